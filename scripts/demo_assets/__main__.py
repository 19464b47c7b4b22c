"""``python -m demo_assets`` (from scripts/) or ``python -m scripts.demo_assets``."""

from .cli import main

main()
