"""Update rounds: before a meeting the business manager asks each action's
lead for an update by a deadline; the lead proposes ratings, commentary and
evidence; the manager accepts each proposal (an assessment by the lead,
accepted by the manager) or returns it with a comment.

A folder of its own inside priorities, so the round's models, rules, pages
and file checks read together; the models register with the priorities app.
"""
