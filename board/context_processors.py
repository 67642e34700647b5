from django.http import HttpRequest


def assure(request: HttpRequest) -> dict[str, object]:
    """The boards the signed-in person may switch between, for the header."""
    from board.selectors import boards_for_user

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_boards": []}
    return {"user_boards": boards_for_user(user=user)}
