"""The review widget for JupyterLab: a thin ipywidgets view of :class:`~analysis.app.review.ReviewSession`.

Every button calls one session method and redraws; nothing is decided here. Needs the
``notebooks`` extra (ipywidgets).
"""
from __future__ import annotations

from ..errors import KitError
from .review import ReviewSession

__all__ = ["review_widget"]


def review_widget(session: ReviewSession):
    """An ipywidgets box for ``session``: the hit in context, decision buttons, a note, and a
    form to add a missed span (paste its words, pick its category).

    Each control has a stable CSS class (``dk-correct``, ``dk-wrong``, ``dk-wrong-category``,
    ``dk-skip``, ``dk-back``, ``dk-note``, ``dk-add-words``, ``dk-add-category``, ``dk-add``,
    ``dk-status``) so browser checks can find it.
    """
    import ipywidgets as w  # the notebooks extra; only here

    view = w.HTML(session.html())
    note = w.Text(placeholder="note (optional)", layout=w.Layout(width="60%"))
    recode = w.Dropdown(options=session.labels, description="right category:", layout=w.Layout(width="45%"),
                        style={"description_width": "initial"})
    words = w.Text(placeholder="missed words: select them above, copy, paste here", layout=w.Layout(width="60%"))
    add_category = w.Dropdown(options=session.labels, layout=w.Layout(width="30%"))
    status = w.HTML("")
    buttons = {
        "correct": w.Button(description="Correct", button_style="success"),
        "wrong": w.Button(description="Wrong", button_style="danger"),
        "wrong_category": w.Button(description="Wrong category", button_style="warning"),
        "skip": w.Button(description="Skip"),
        "back": w.Button(description="Back"),
        "add": w.Button(description="Add span", button_style="info"),
    }
    css = {"correct": "dk-correct", "wrong": "dk-wrong", "wrong_category": "dk-wrong-category", "skip": "dk-skip",
           "back": "dk-back", "add": "dk-add"}
    for key, button in buttons.items():
        button.add_class(css[key])
    note.add_class("dk-note")
    words.add_class("dk-add-words")
    add_category.add_class("dk-add-category")
    recode.add_class("dk-recode")
    status.add_class("dk-status")

    def act(action):
        def handler(_button):
            try:
                message = action()
            except KitError as e:
                status.value = f"<span style='color:#b00'>{e}</span>"
                return
            status.value = message or ""
            view.value = session.html()
        return handler

    def decide(decision):
        def action():
            category = recode.value if decision == "wrong_category" else None
            session.decide(decision, note=note.value, category=category)
            note.value = ""
            return f"saved: {decision}"
        return action

    def add():
        row = session.add_text(words.value, add_category.value, note=note.value)
        words.value = note.value = ""
        return f"added {row['category']}: “{row['text']}” [{row['start_char']}:{row['end_char']}]"

    for decision in ("correct", "wrong", "wrong_category"):
        buttons[decision].on_click(act(decide(decision)))
    buttons["skip"].on_click(act(lambda: session.skip() and "skipped"))
    buttons["back"].on_click(act(lambda: session.back() and "back one hit"))
    buttons["add"].on_click(act(add))
    return w.VBox([
        view,
        w.HBox([buttons["correct"], buttons["wrong"], buttons["wrong_category"], recode]),
        w.HBox([note, buttons["back"], buttons["skip"]]),
        w.HBox([words, add_category, buttons["add"]]),
        status,
    ])
