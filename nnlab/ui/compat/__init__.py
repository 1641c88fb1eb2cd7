"""Every workaround for a Streamlit, Keras or component internal, fenced here (see docs/ARCHITECTURE.md)."""
