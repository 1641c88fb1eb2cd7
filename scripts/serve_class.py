"""Serve nnlab to a class: N `streamlit run` workers behind nginx (`make serve-class WORKERS=2`).

    python scripts/serve_class.py --workers 2 --port 8501     # students open http://<this machine>:8501
    python scripts/serve_class.py --help

See nnlab/serve/supervisor.py (what it starts and watches) and deploy/nginx.conf.template (the proxy).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnlab.serve.supervisor import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
