// Assure's only script: marks the page as able to run GOV.UK Frontend's
// components, then starts them. Every page works without it.
(function () {
  "use strict";
  var body = document.body;
  body.classList.add("js-enabled");
  if ("noModule" in HTMLScriptElement.prototype) {
    body.classList.add("govuk-frontend-supported");
  }
  if (window.GOVUKFrontend && body.classList.contains("govuk-frontend-supported")) {
    window.GOVUKFrontend.initAll();
  }
  // The board switcher submits itself when a board is chosen with a pointer
  // or keyboard; its button stays for people without JavaScript.
  document.querySelectorAll("[data-assure-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // When a form opens in place (htmx), move focus to its heading so keyboard
  // and screen-reader users land in it; when it closes, return them to the row.
  body.addEventListener("htmx:afterSettle", function (event) {
    var heading = document.querySelector("#assess-row [data-assure-focus]");
    var status = document.getElementById("assess-status");
    var config = event.detail.requestConfig;
    if (heading) {
      heading.focus();
    } else if (status && config && config.verb === "post") {
      status.focus();
    }
  });
})();
