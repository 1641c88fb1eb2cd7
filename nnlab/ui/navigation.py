"""The list of pages and the sidebar that links them, shared by the home page and every page.

Streamlit discovers ``pages/`` by itself; its own sidebar would name the home page
"app" after ``app.py``, so it is switched off (``client.showSidebarNavigation``) and
this sidebar is drawn instead. (``st.navigation`` is not used: with a ``pages/``
folder present, a typed or shared URL such as ``/Playground`` bypasses it in
Streamlit 1.67.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to the project root
    title: str
    icon: str
    lesson: str  # what the page teaches, in one line


# Icons are Streamlit's Material Symbols (a font Streamlit ships), not emoji: a machine without an emoji
# font (many school laptops, headless Chromium) showed empty boxes.
HOME = PageInfo("app.py", "Home", ":material/home:", "What each page teaches, and what this machine offers.")
PAGES = (
    PageInfo("pages/1_Build.py", "Build a network", ":material/stacks:",
             "Stack Dense, Conv2D, pooling and dropout layers; see the shapes, the parameter count and a "
             "diagram; export the network as Keras code."),
    PageInfo("pages/2_Playground.py", "2D playground", ":material/scatter_plot:",
             "Watch a decision boundary form live on XOR, circles and spirals; see why one neuron cannot "
             "solve XOR."),
    PageInfo("pages/3_MNIST.py", "Train on MNIST", ":material/monitoring:",
             "Train a digit classifier with live loss and accuracy curves; study its mistakes; save the model."),
    PageInfo("pages/4_Draw.py", "Draw a digit", ":material/draw:",
             "Draw with the mouse or a finger and see what the network answers, with the 28x28 image it really sees."),
    PageInfo("pages/5_Under_the_hood.py", "Under the hood", ":material/build:",
             "Backpropagation written out by hand, checked number by number against TensorFlow."),
    PageInfo("pages/6_Teach.py", "Teach it", ":material/model_training:",
             "Name your own classes, draw a few examples, and train a network on them live; fix its digit mistakes."),
    PageInfo("pages/7_Lessons.py", "Lessons", ":material/school:",
             "Ten guided lessons, from one neuron to words as vectors, each step checked on your own work."),
    PageInfo("pages/8_Teacher.py", "Teacher", ":material/co_present:",
             "For the teacher (with the teacher's key): a class code, every student's progress live, a challenge board."),
)


def available_pages() -> tuple[PageInfo, ...]:
    """The pages whose files exist in this checkout."""
    return tuple(page for page in PAGES if (ROOT / page.path).exists())


def sidebar_navigation() -> None:
    """Links to the home page and every page, in the sidebar."""
    with st.sidebar:
        for page in (HOME, *available_pages()):
            st.page_link(page.path, label=page.title, icon=page.icon)
