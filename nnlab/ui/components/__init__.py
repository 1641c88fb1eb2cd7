"""Small browser-side components (Streamlit Components v2), each registered once when imported."""
