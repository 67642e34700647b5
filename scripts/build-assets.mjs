// Builds Assure's front-end assets from the pinned npm packages into
// static/dist/ (git-ignored). Django's collectstatic and whitenoise take it from there.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "static/dist";
mkdirSync(`${out}/js`, { recursive: true });
mkdirSync(`${out}/css`, { recursive: true });

const css = sass.compile("static/scss/assure.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/css/assure.css`, css.css);

for (const name of ["all.bundle.js", "all.bundle.js.map"]) {
  cpSync(`node_modules/govuk-frontend/dist/govuk/${name}`, `${out}/js/${name}`);
}
cpSync("node_modules/htmx.org/dist/htmx.min.js", `${out}/js/htmx.min.js`);
console.log("Assure assets built into static/dist/");
