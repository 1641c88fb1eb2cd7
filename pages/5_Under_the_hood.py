"""Under the hood: backpropagation by hand, checked against TensorFlow; a network from scratch; init; text."""

import streamlit as st

from nnlab.ui import under_the_hood as sections
from nnlab.ui.page import setup_page

setup_page("Under the hood", "🔧")
st.title("Under the hood")
st.caption("The constructions from the blog posts and textbooks, working, with numbers, next to TensorFlow. "
           "Nothing trains until you press Start.")

sections.worked_example()
sections.xor_training()
sections.logic_gates()
sections.gradient_check_section()
sections.scratch_mnist()
sections.init_section()
sections.text_section()
