"""A class on one server or several: N `streamlit run` workers behind nginx, and a supervisor that keeps them up.

No streamlit import here: the supervisor runs as its own small process (scripts/serve_class.py, `make serve-class`).
"""
