"""The chat page's CSS, the script in its <head> (citation clicks), and the sources panel's
script (its "Show page" buttons). Their class names are the ones `render.py` writes."""

CSS = """
.gradio-container {max-width: 1280px !important; margin: auto;}
#header h1 {font-size: 1.45rem; margin: 0 0 .15rem 0;}
#header p {margin: 0; color: var(--body-text-color-subdued); font-size: .92rem;}
#header .starting {border-left: 4px solid #94a3b8; padding-left: .6rem;}
#header .failed {border-left: 4px solid #dc2626; padding-left: .6rem; color: var(--body-text-color);}
#chat .cite {display: inline-block; font-size: .78em; font-weight: 600; line-height: 1;
  padding: .15em .4em; margin: 0 .1em; border-radius: .6em; text-decoration: none;
  background: var(--color-accent-soft); color: var(--color-accent); cursor: pointer;
  vertical-align: .15em;}
#chat .cite:hover {background: var(--color-accent); color: white;}
#chat .unsupported {text-decoration: line-through; opacity: .6;}
#chat .unsupported-note {font-size: .8em; color: #b45309;}
#chat .abstained {border-left: 4px solid #94a3b8; padding: .35rem .7rem; font-style: italic;
  color: var(--body-text-color-subdued);}
#chat .fallback-note, #chat .rewrite-note {display: block; font-size: .8em; margin-top: .4rem;
  color: var(--body-text-color-subdued);}
#chat .error {border-left: 4px solid #dc2626; padding: .35rem .7rem;}
#chat .notice {border-left: 4px solid #94a3b8; padding: .35rem .7rem;}
#sources .scroll {max-height: 64vh; overflow-y: auto; padding-right: .3rem;}
#sources .turn {font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--body-text-color-subdued); margin: .8rem 0 .3rem;}
#sources .source {border: 1px solid var(--border-color-primary); border-radius: .6rem;
  padding: .6rem .75rem; margin-bottom: .6rem; transition: box-shadow .3s, border-color .3s;}
#sources .source.active {border-color: var(--color-accent); box-shadow: 0 0 0 3px var(--color-accent-soft);}
#sources .source h4 {margin: 0 0 .2rem 0; font-size: .95rem;}
#sources .meta {font-size: .78rem; color: var(--body-text-color-subdued); margin-bottom: .35rem;}
#sources .excerpt {font-size: .88rem; line-height: 1.45; white-space: pre-wrap;}
#sources mark {background: #fde68a; color: inherit; padding: 0 .1em; border-radius: .2em;}
#sources .comment-tag {font-size: .72rem; background: #e0e7ff; color: #3730a3;
  padding: .05rem .4rem; border-radius: .5rem; margin-left: .3rem;}
#sources .empty {color: var(--body-text-color-subdued); font-size: .9rem;}
#sources .page-btn {margin-top: .45rem; font-size: .8rem; padding: .2rem .6rem; cursor: pointer;
  border: 1px solid var(--border-color-primary); border-radius: .4rem;
  background: var(--background-fill-secondary); color: var(--body-text-color);}
#sources .page-view {margin-top: .45rem; max-height: 420px; overflow: auto;
  border: 1px solid var(--border-color-primary); border-radius: .4rem; background: white;}
#sources .page-view img {display: block; width: 100%; height: auto; cursor: zoom-in;}
#sources .page-view.zoomed img {width: 200%; max-width: none; cursor: zoom-out;}
#sources .page-note {font-size: .78rem; color: var(--body-text-color-subdued); margin-top: .3rem;}
#doc-list {max-height: 62vh; overflow-y: auto;}
#doc-list table {font-size: .85rem; width: 100%;}
#doc-list td, #doc-list th {padding: .25rem .5rem; text-align: left; vertical-align: top;}
#doc-list td.num {text-align: right;}
#doc-list td.when span {white-space: nowrap;}
#doc-list code {white-space: nowrap;}
.hint p {font-size: .8rem; color: var(--body-text-color-subdued); margin: 0;}
#doc-status ul {margin: .3rem 0; padding-left: 1.1rem;}
#doc-status .status {font-weight: 600; font-size: .78rem; text-transform: uppercase;
  padding: 0 .35rem; border-radius: .4rem; margin-right: .35rem;}
#doc-status .added .status, #doc-status .updated .status {background: #dcfce7; color: #166534;}
#doc-status .duplicate .status, #doc-status .unchanged .status {background: #e0e7ff; color: #3730a3;}
#doc-status .skipped .status {background: #fee2e2; color: #991b1b;}
#doc-status progress {width: 100%; height: .7rem;}
#doc-status .error {border-left: 4px solid #dc2626; padding: .35rem .7rem;}
"""

# Citation clicks: scroll the sources panel to the cited passage and light it up.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.cite");
  if (!link) return;
  event.preventDefault();
  const id = (link.getAttribute("href") || "").replace(/^.*#/, "");
  const card = document.getElementById(id);
  if (!card) return;
  document.querySelectorAll("#sources .source.active").forEach((el) => el.classList.remove("active"));
  card.classList.add("active");
  card.scrollIntoView({behavior: "smooth", block: "center"});
  const page = card.querySelector("button.page-btn[aria-expanded='false']");
  if (page) page.click();  // a PDF citation: show its page too
});
</script>
"""

# The sources panel's "Show page" buttons: ask the server for the page image (a data: PNG, set
# as an <img> property, never as markup) and scroll it to the highlighted lines.
SOURCES_JS = """
const pages = new Map();
element.addEventListener("click", async (event) => {
  const button = event.target.closest("button.page-btn");
  if (!button) return;
  const card = button.closest(".source");
  const view = card.querySelector(".page-view");
  const note = card.querySelector(".page-note");
  if (button.getAttribute("aria-expanded") === "true") {
    view.hidden = true; note.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.textContent = button.dataset.label;
    return;
  }
  const key = button.dataset.page;
  button.disabled = true;
  button.textContent = "Rendering the page…";
  let shown = pages.get(key);
  try {
    if (!shown) { shown = await server.page_view(JSON.parse(key)); pages.set(key, shown); }
  } catch (err) {
    shown = {message: "The page could not be rendered."};
  }
  button.disabled = false;
  button.setAttribute("aria-expanded", "true");
  button.textContent = "Hide the page";
  view.replaceChildren();
  if (shown.src && shown.src.startsWith("data:image/png;base64,")) {
    const img = document.createElement("img");
    img.alt = shown.alt || "";
    img.addEventListener("load", () => {
      view.scrollTop = Math.max(0, (shown.top || 0) * img.clientHeight - view.clientHeight / 3);
    });
    img.title = "Click to zoom";
    img.addEventListener("click", () => view.classList.toggle("zoomed"));
    img.src = shown.src;
    view.appendChild(img);
    view.hidden = false;
  }
  note.textContent = shown.message || "";
  note.hidden = !shown.message;
});
"""
