"""DOM checks for any page: text that the browser shows cut short, clipped, spilling or split.

:func:`cut_text` runs in a Playwright page and returns one readable line per problem, e.g.
``ellipsis: "Load preset" in div[data-testid=stMarkdownContainer] (scrollWidth 69 > clientWidth 68)``.
An empty list means every text in the main area (``[data-testid=stMain]``), and in the
sidebar when it is open (``[data-collapsed=false]``), is shown whole. It looks at every
visible element that holds text of its own (a non-blank text node child), metric values and
labels, buttons and page links included, and at the values of selectboxes and number inputs:

* **ellipsis**: the element has ``text-overflow: ellipsis`` and ``scrollWidth > clientWidth``
  (the browser replaced the end of the text with "…");
* **clipped**: the element has ``overflow-x: hidden`` or ``clip`` and
  ``scrollWidth > clientWidth + 1`` (the end of the text is cut off without a mark);
* **overflow**: the box of the element's own text reaches more than 1 px beyond an ancestor
  that clips (``overflow`` hidden or clip on that axis), or sideways beyond the main area
  or the sidebar itself (which on a phone means a page wider than the screen);
* **broken word**: a word whose letters lie on two lines ("MaxPooli" / "ng2D"), which
  ``overflow-wrap: anywhere`` does to a narrow column; a break after a hyphen is a proper one,
  and a word wider than the whole main area (a long URL on a phone) has to break;
* **cut value**: the value of a selectbox (Streamlit 1.67 shows it in an ``<input>`` of a
  react-aria combobox) or of a number or text input is wider, in the input's font, than the
  input's content box: ``"relu"`` showing as ``"rel"``. (``scrollWidth`` says nothing here.)

:func:`chart_label_problems` does the same for the annotation texts of plotly charts, as the
browser drew them: one outside its chart, or two overlapping.

Ignored by :func:`cut_text`, and why:

* code blocks (``pre``, ``stCode``) and text areas: they scroll by design;
* KaTeX formulas (``.katex``): raised and lowered glyph boxes reach a pixel or two past the
  formula's box by design (the ink does not), and a display formula scrolls sideways;
* dataframes (``stDataFrame``): a canvas grid with its own scrollbars, no DOM text to measure;
* plotly charts (``stPlotlyChart``): SVG internals (axes, hover layers) clip on purpose; their
  labels are :func:`chart_label_problems`' business;
* anything inside a container that scrolls on that axis (``overflow`` auto or scroll), such as
  a wide ``st.table`` on a phone: the student can scroll to it, so the text is not lost;
* what is not shown: ``display: none``, ``visibility: hidden``, boxes of 1 px or less (closed
  expanders, a collapsed sidebar, screen-reader-only texts such as "arrow_upward icon" of an
  icon button), tooltips.
"""

from __future__ import annotations

import contextlib

IGNORED = ("pre, [data-testid=stCode], [data-testid=stDataFrame], [data-testid=stPlotlyChart], .katex, textarea, "
           "[role=tooltip]")
# Widgets that show their value in an <input>: selectboxes (a combobox) and number and text inputs.
VALUES = "input[role=combobox], input[type=text], input[type=number]"
ROOTS = "[data-testid=stMain], [data-testid=stSidebar][data-collapsed=false]"
SLACK = 1  # px: sub-pixel rounding of widths and boxes
# The screens the layout tests use (Playwright browser-context options): a laptop, a touch tablet and phone,
# and a wider tablet (an iPad in portrait), where Streamlit keeps the sidebar open beside a narrow main area.
VIEWPORTS = {
    "laptop": dict(viewport={"width": 1280, "height": 800}),
    "tablet": dict(viewport={"width": 768, "height": 1024}, has_touch=True, is_mobile=True),
    "phone": dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2),
    "tablet with the sidebar open": dict(viewport={"width": 820, "height": 1180}, has_touch=True, is_mobile=True),
}
LAPTOP_AND_PHONE = ("laptop", "phone")
LAPTOP_TABLET_PHONE = ("laptop", "tablet", "phone")


@contextlib.contextmanager
def screen_page(browser, screen: str, timeout_ms: float = 60_000):
    """A page in a fresh browser context (a new Streamlit session) sized as ``VIEWPORTS[screen]``."""
    context = browser.new_context(**VIEWPORTS[screen])
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        yield page
    finally:
        context.close()

CUT_TEXT = """([rootSelector, ignored, values, slack]) => {
    const problems = [];
    const seen = new Set();
    const describe = (element) => {
        const id = element.getAttribute('data-testid');
        const label = element.getAttribute('aria-label');
        const classes = [...element.classList].slice(0, 2).join('.');
        return element.tagName.toLowerCase() + (id ? `[data-testid=${id}]` : '') +
            (label ? `[aria-label=${JSON.stringify(label)}]` : '') + (classes ? '.' + classes : '');
    };
    const text = (element) => ((element.matches(values) ? element.value : element.innerText) || '')
        .trim().replace(/\\s+/g, ' ');
    const report = (kind, element, detail) => {
        const line = `${kind}: ${JSON.stringify(text(element).slice(0, 80))} in ${describe(element)} (${detail})`;
        if (!seen.has(line)) { seen.add(line); problems.push(line); }
    };
    const visible = (element) => {
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        // 1 px boxes are screen-reader-only texts (e.g. "arrow_upward icon" of an icon button)
        return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 1 && box.height > 1;
    };
    const canvas = document.createElement('canvas').getContext('2d');
    const valueWidth = (input) => {  // the width of an input's value, in the input's font
        const style = getComputedStyle(input);
        canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        return canvas.measureText(input.value).width;
    };
    const range = document.createRange();
    const ownTexts = (element) => [...element.childNodes]
        .filter(node => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
    const rects = (node, start = 0, end = node.textContent.length) => {
        range.setStart(node, start);
        range.setEnd(node, end);
        return [...range.getClientRects()].filter(r => r.width > 0 || r.height > 0);
    };
    const ownTextBox = (element) => {  // the union of the boxes of the element's own text lines
        const lines = ownTexts(element).flatMap(node => rects(node));
        if (!lines.length) return null;
        return {left: Math.min(...lines.map(r => r.left)), right: Math.max(...lines.map(r => r.right)),
                top: Math.min(...lines.map(r => r.top)), bottom: Math.max(...lines.map(r => r.bottom))};
    };
    // A word whose letters lie on two lines ("MaxPooli / ng2D"). Words end at spaces and after
    // hyphens (where browsers may break: "Cross-" / "entropy"); one wider than the whole area
    // (a long URL on a phone) has to break and is not reported.
    const brokenWord = (element, room) => {
        for (const node of ownTexts(element)) {
            for (const match of node.textContent.matchAll(/[^\\s-]+-?/g)) {
                const pieces = rects(node, match.index, match.index + match[0].length);
                const tops = new Set(pieces.map(r => Math.round(r.top)));
                const width = pieces.reduce((sum, r) => sum + r.width, 0);
                if (tops.size > 1 && width <= room) return match[0];
            }
        }
        return null;
    };
    const checkValue = (input, style) => {
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const needed = valueWidth(input);
        if (needed > room + slack) {
            report('cut value', input, `value ${Math.round(needed)} px > room ${Math.round(room)} px`);
        }
    };
    const checkSpill = (element, root) => {  // own text beyond an ancestor that clips it
        const box = ownTextBox(element);
        if (!box) return;
        for (let up = element.parentElement; up && up !== root.parentElement; up = up.parentElement) {
            const style = getComputedStyle(up);
            const edge = up.getBoundingClientRect();
            const atRoot = up === root;  // the main area or sidebar: nothing may spill sideways
            const scrollsX = !atRoot && ['auto', 'scroll'].includes(style.overflowX);
            const scrollsY = !atRoot && ['auto', 'scroll'].includes(style.overflowY);
            const clipsX = atRoot || ['hidden', 'clip'].includes(style.overflowX);
            const clipsY = !atRoot && ['hidden', 'clip'].includes(style.overflowY);
            if (clipsX && (box.left < edge.left - slack || box.right > edge.right + slack)) {
                report('overflow', element, `text ${Math.round(box.left)}-${Math.round(box.right)} px beyond ` +
                       `${describe(up)} ${Math.round(edge.left)}-${Math.round(edge.right)} px`);
                return;
            }
            if (clipsY && (box.top < edge.top - slack || box.bottom > edge.bottom + slack)) {
                report('overflow', element, `text ${Math.round(box.top)}-${Math.round(box.bottom)} px high, ` +
                       `beyond ${describe(up)} ${Math.round(edge.top)}-${Math.round(edge.bottom)} px`);
                return;
            }
            if (scrollsX || scrollsY) return;  // reachable by scrolling from here up
        }
    };
    for (const root of document.querySelectorAll(rootSelector)) {
        if (!visible(root)) continue;
        for (const element of root.querySelectorAll('*')) {
            if (element.closest(ignored) || !text(element) || !visible(element)) continue;
            const style = getComputedStyle(element);
            if (element.matches(values)) {
                checkValue(element, style);
                continue;
            }
            const wide = element.scrollWidth - element.clientWidth;
            const widths = `scrollWidth ${element.scrollWidth} > clientWidth ${element.clientWidth}`;
            if (style.textOverflow === 'ellipsis' && wide > 0) {
                report('ellipsis', element, widths);
            } else if (['hidden', 'clip'].includes(style.overflowX) && wide > slack) {
                report('clipped', element, widths);
            }
            const word = brokenWord(element, root.clientWidth);
            if (word) report('broken word', element, `${JSON.stringify(word)} split over two lines`);
            checkSpill(element, root);
        }
    }
    return problems;
}"""


def cut_text(page, roots: str = ROOTS) -> list[str]:
    """Readable descriptions of every text shown truncated, clipped, spilling or split under ``roots``."""
    return page.evaluate(CUT_TEXT, [roots, IGNORED, VALUES, SLACK])

CHART_LABELS = """(selector) => [...document.querySelectorAll(selector)].map((chart, chartIndex) => {
    const svg = chart.querySelector('svg.main-svg');
    const frame = svg ? svg.getBoundingClientRect() : chart.getBoundingClientRect();
    const labels = [...chart.querySelectorAll('g.annotation')].map(group => {
        const text = group.querySelector('text');
        const lines = text ? [...text.querySelectorAll('tspan.line')].map(line => line.textContent) : [];
        const content = text ? (lines.length ? lines.join(' ') : text.textContent).trim() : '';
        const box = text ? text.getBoundingClientRect() : null;
        return content && box.width > 0 ? {index: Number(group.getAttribute('data-index')), text: content,
            left: box.left - frame.left, top: box.top - frame.top, right: box.right - frame.left,
            bottom: box.bottom - frame.top} : null;
    }).filter(Boolean);
    return {chart: chartIndex, width: frame.width, height: frame.height, labels};
})"""


def chart_labels(page, selector: str = "[data-testid=stPlotlyChart]") -> list[dict]:
    """For each plotly chart: its drawn size and the boxes (px, from its top left) of its annotation texts."""
    return page.evaluate(CHART_LABELS, selector)


def chart_label_problems(page, selector: str = "[data-testid=stPlotlyChart]") -> list[str]:
    """Annotation texts of plotly charts that leave their chart or overlap another, as the browser drew them."""
    problems = []
    for chart in chart_labels(page, selector):
        labels = chart["labels"]
        for label in labels:
            if (label["left"] < -SLACK or label["top"] < -SLACK or label["right"] > chart["width"] + SLACK
                    or label["bottom"] > chart["height"] + SLACK):
                problems.append(f"chart {chart['chart']}: {label['text']!r} leaves the "
                                f"{chart['width']:.0f}x{chart['height']:.0f} px chart ({_box(label)})")
        for position, first in enumerate(labels):
            for second in labels[position + 1:]:
                if boxes_overlap(_edges(first), _edges(second), SLACK):
                    problems.append(f"chart {chart['chart']}: {first['text']!r} ({_box(first)}) overlaps "
                                    f"{second['text']!r} ({_box(second)})")
    return problems


def boxes_overlap(a, b, slack: float = 0.0) -> bool:
    """Whether two (left, top, right, bottom) boxes share more than ``slack`` px both ways."""
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def _edges(label: dict) -> tuple[float, float, float, float]:
    return label["left"], label["top"], label["right"], label["bottom"]


def _box(label: dict) -> str:
    return f"x {label['left']:.0f}-{label['right']:.0f}, y {label['top']:.0f}-{label['bottom']:.0f}"
