// Assure's additions to the Django admin, linked from templates/admin/base_site.html.
//
// Django's two-list filter (filter_horizontal) draws a search icon as a <span>
// with an aria-label, and ARIA does not allow a name on a span that has no
// role (axe: aria-prohibited-attr). Give the icon the role of an image, so the
// name it carries ("Type into this box to filter down the list ...") is read.
// The filter draws itself on the window's load event, so wait for that, then
// for the other load handlers to finish.
"use strict";

window.addEventListener("load", function () {
  window.setTimeout(function () {
    document.querySelectorAll("span.search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
