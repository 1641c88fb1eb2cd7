"""nnlab: the entry point. Declares the pages and shows the home page. Imports no TensorFlow."""

from pathlib import Path

import streamlit as st

from nnlab.environment import detect
from nnlab.ui.keras_session import keep_keras_session

# (file, title, icon, URL path, what the page teaches)
PAGES = (
    ("pages/1_Build.py", "Build a network", "🧱", "build",
     "Stack Dense, Conv2D, pooling and dropout layers; see the shapes, the parameter count and a diagram; "
     "export the network as Keras code."),
    ("pages/2_Playground.py", "2D playground", "🎯", "playground",
     "Watch a decision boundary form live on XOR, circles and spirals; see why one neuron cannot solve XOR."),
    ("pages/3_MNIST.py", "Train on MNIST", "📈", "mnist",
     "Train a digit classifier with live loss and accuracy curves; study its mistakes; save the model."),
    ("pages/4_Draw.py", "Draw a digit", "✏️", "draw",
     "Draw with the mouse and see what the network answers, with the 28x28 image it really sees."),
    ("pages/5_Under_the_hood.py", "Under the hood", "🔧", "under-the-hood",
     "Backpropagation written out by hand, checked number by number against TensorFlow."),
)
ROOT = Path(__file__).resolve().parent
AVAILABLE = tuple(page for page in PAGES if (ROOT / page[0]).exists())


def home() -> None:
    st.title("🧠 nnlab")
    st.markdown("#### A visual playground for neural networks: build one, train it, watch it learn.")
    lessons, status = st.columns([2, 1], gap="large")
    with lessons:
        st.subheader("What each page teaches")
        for path, title, icon, _, lesson in AVAILABLE:
            st.page_link(path, label=f"**{title}**", icon=icon)
            st.caption(lesson)
    with status:
        machine_status()


def machine_status() -> None:
    st.subheader("This machine")
    env = detect()
    st.markdown(
        f"- **TensorFlow** {env.tensorflow or 'not installed'} · **Keras** {env.keras or 'not installed'}\n"
        f"- **Streamlit** {env.streamlit} · **Python** {env.python}\n"
        f"- **Compute:** {env.cpu_cores} CPU cores"
        + (f", {len(env.gpus)} NVIDIA GPU(s)" if env.gpus else ", no GPU (training runs on the CPU)")
    )
    if env.mnist_ok:
        st.success("MNIST is embedded: 60,000 training and 10,000 test digits, no download needed.")
    else:
        st.error("MNIST files missing: " + ", ".join(env.mnist_missing) + ". Restore them from a fresh clone.")
    if env.tensorflow is None:
        st.warning("TensorFlow is not installed: run `make run` (or `pip install -r requirements.txt`).")


keep_keras_session()  # Streamlit would clear the Keras session (and TF's kernel cache) after every run
st.set_page_config(page_title="nnlab · Neural networks, visually", page_icon="🧠", layout="wide")
navigation = st.navigation(
    [st.Page(home, title="Home", icon="🧠", url_path="home", default=True)]
    + [st.Page(path, title=title, icon=icon, url_path=url) for path, title, icon, url, _ in AVAILABLE]
)
navigation.run()
