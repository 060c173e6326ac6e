"""The chat's parts, beside `app.py` (which builds the Blocks and serves them):

    render.py     answers, sources, documents and notices as HTML (no Gradio here)
    chat.py       the Chat tab's handlers and how questions queue
    documents.py  the Documents tab's handlers, and the page view of a PDF citation
    collections.py  the collection chooser's handlers: create, rename, delete
    assets.py     the page's CSS and scripts

Everything here calls only the public `assistant` API.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home: before gradio loads
