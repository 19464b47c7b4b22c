"""The `essay` command (`essay.py`): one module per subcommand. The only package that prints."""

import gc

# What the imports make lives as long as the program (pydantic's validators, numpy, Jinja2's
# environment): some 300,000 objects, which the collector walked again and again while they
# were being made, 0.1 to 0.3 s of a no-op build's 1.5. Frozen once made, it leaves them be.
gc.disable()
from pipeline.cli.essay import main  # noqa: E402

gc.freeze()
gc.enable()

__all__ = ["main"]
