"""The assets of the demo episode, essays/her.yaml, made from nothing but code so that the
demo renders on a fresh checkout: narration, stills, a music bed and their README.

Run ``python scripts/make_demo_assets.py [--only narration|stills|music]``.
"""
