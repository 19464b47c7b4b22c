"""Make the assets of demo episodes: ``[--episode YAML ... | --all] [--only KIND]``, where
KIND is narration, stills or music; with no episode named, essays/her.yaml.

The work is done by the package beside this file, scripts/demo_assets/.
"""

import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
sys.path[:0] = [str(SCRIPTS), str(SCRIPTS.parent)]  # the package, and this checkout's pipeline

from demo_assets.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
