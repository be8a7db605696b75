"""Sharing a page: the copy-link button and the teacher's lesson link that hides chosen controls.

The address bar always holds the page's state (each page writes it back, see app_pages.common.sync_url),
so the copy button copies the address as it is at the moment of the click. A lesson link adds
`hide=code,tools` (the parts of the page the class does not need to see) and `present=1`
(presentation mode, read by the graph figures' side of the app).

Pages mark the parts that can be hidden with containers keyed `hide_<part>_<anything>`; `hide_css` turns
the chosen parts into the style rules that hide them.
"""

from __future__ import annotations

import html
import json

HIDEABLE = ("code", "output", "tools", "controls", "nav", "sidebar")
HIDE_PARAM = "hide"
PRESENT_PARAM = "present"

# Parts that are Streamlit's own frame rather than one of our containers.
_FRAME_SELECTORS = {
    "nav": ('header[data-testid="stHeader"]',),
    "sidebar": ('section[data-testid="stSidebar"]', '[data-testid="stSidebarCollapsedControl"]',
                '[data-testid="stExpandSidebarButton"]'),
}


def parse_hide(text: str | None) -> tuple[str, ...]:
    """The known parts named in a `hide=` value ("code, tools" -> ("code", "tools")), in HIDEABLE order;
    unknown names are ignored, so an old or mistyped link still opens."""
    named = {part.strip().lower() for part in (text or "").split(",")}
    return tuple(part for part in HIDEABLE if part in named)


def format_hide(parts: tuple[str, ...] | list[str]) -> str:
    return ",".join(parse_hide(",".join(parts)))


def region_key(part: str, name: str) -> str:
    """The container key that marks a region of a page as the hideable `part`."""
    if part not in HIDEABLE:
        raise ValueError(f"unknown hideable part {part!r}")
    return f"hide_{part}_{name}"


def hide_css(parts: tuple[str, ...]) -> str:
    """A <style> element hiding `parts`; "" when nothing is hidden."""
    selectors = []
    for part in parse_hide(",".join(parts)):
        selectors.append(f'[class*="st-key-hide_{part}_"]')
        selectors.extend(_FRAME_SELECTORS.get(part, ()))
    if not selectors:
        return ""
    return f"<style>{', '.join(selectors)} {{display: none !important;}}</style>"


def copy_button_html(element_id: str, label: str, copied: str, params: dict[str, str] | None = None) -> str:
    """A button that copies the page's address (with `params` set on it) to the clipboard.

    The address is read when the button is clicked, so it is the state the viewer sees then. Where the
    clipboard API is missing (a page served over plain http from another machine) a selected text
    field and execCommand("copy") do the copying.

    Args:
        element_id: the button's DOM id (unique on the page).
        label: the button's text.
        copied: the text it shows for a moment after copying.
        params: query parameters to set on the copied address ({} for the address as it is).

    Returns:
        HTML with an inline script; st.html needs unsafe_allow_javascript=True to run it.
    """
    ident = json.dumps(element_id)
    script = f"""
(function () {{
  const button = document.getElementById({ident});
  if (!button || button.dataset.ready) return;
  button.dataset.ready = "1";
  button.addEventListener("click", async function () {{
    const url = new URL(window.parent.location.href);
    for (const [key, value] of Object.entries({json.dumps(params or {})})) {{
      if (value === "") url.searchParams.delete(key); else url.searchParams.set(key, value);
    }}
    const text = url.toString();
    button.dataset.copied = text;
    try {{
      await navigator.clipboard.writeText(text);
    }} catch (error) {{
      const field = document.createElement("textarea");
      field.value = text;
      document.body.appendChild(field);
      field.select();
      document.execCommand("copy");
      field.remove();
    }}
    const words = button.querySelector("span");
    const before = words.textContent;
    words.textContent = {json.dumps(copied)};
    setTimeout(function () {{ words.textContent = before; }}, 2000);
  }});
}})();
"""
    return (f'<button id="{html.escape(element_id)}" class="copy-link" type="button">{_LINK_ICON}'
            f"<span>{html.escape(label)}</span></button><script>{script}</script>")


# Material Symbols' "link", drawn inline: an emoji needs a font a classroom PC may not have.
_LINK_ICON = ('<svg aria-hidden="true" width="18" height="18" viewBox="0 -960 960 960" fill="currentColor">'
              '<path d="M440-280H280q-83 0-141.5-58.5T80-480q0-83 58.5-141.5T280-680h160v80H280q-50 0-85 '
              '35t-35 85q0 50 35 85t85 35h160v80ZM320-440v-80h320v80H320Zm200 160v-80h160q50 0 85-35t35-85q0'
              '-50-35-85t-85-35H520v-80h160q83 0 141.5 58.5T880-480q0 83-58.5 141.5T680-280H520Z"/></svg>')


COPY_BUTTON_CSS = """<style>
button.copy-link {font: inherit; font-size: 0.875rem; color: inherit; background: transparent;
  border: 1px solid rgba(128, 128, 128, 0.45); border-radius: 0.5rem; padding: 0.25rem 0.75rem;
  cursor: pointer; min-height: 2.25rem; white-space: nowrap; display: inline-flex; align-items: center;
  gap: 0.4rem;}
button.copy-link:hover {border-color: currentColor;}
</style>"""
