"""nnlab home page: what each page teaches, and what this machine offers. Imports no TensorFlow."""

import streamlit as st

from nnlab.environment import detect, preload_tensorflow
from nnlab.serve.identity import worker_line
from nnlab.serve.warm import page_drawn
from nnlab.ui.navigation import available_pages
from nnlab.ui.page import setup_page

setup_page("Neural networks, visually", ":material/neurology:")


def machine_status() -> None:
    st.subheader("This machine")
    env = detect()
    st.markdown(
        f"- **TensorFlow** {env.tensorflow or 'not installed'} · **Keras** {env.keras or 'not installed'}\n"
        f"- **Streamlit** {env.streamlit} · **Python** {env.python}\n"
        f"- **Compute:** {env.cpu_cores} CPU cores"
        + (f", {len(env.gpus)} NVIDIA GPU(s)" if env.gpus else ", no GPU (training runs on the CPU)")
        + (f"\n- {worker_line()}" if worker_line() else "")  # make serve-class: which worker serves this page
    )
    if env.mnist_ok:
        st.success("MNIST is embedded: 60,000 training and 10,000 test digits, no download needed.")
    else:
        st.error("MNIST files missing: " + ", ".join(env.mnist_missing) + ". Restore them from a fresh clone.")
    if env.tensorflow is None:
        st.warning("TensorFlow is not installed: run `make run` (or `pip install -r requirements.txt`).")


st.title(":material/neurology: nnlab")
st.markdown("#### A visual playground for neural networks: build one, train it, watch it learn.")
lessons, status = st.columns([2, 1], gap="large")
with lessons:
    st.subheader("What each page teaches")
    for page in available_pages():
        st.page_link(page.path, label=f"**{page.title}**", icon=page.icon)
        st.caption(page.lesson)
with status:
    machine_status()
preload_tensorflow()  # after the page is drawn: the next page that trains finds TensorFlow loaded
page_drawn()  # and a server started by `make run` may warm up for a class now (nnlab/serve/launch.py)
