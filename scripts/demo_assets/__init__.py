"""The assets of the demo episodes (essays/her.yaml, essays/groundhog-day.yaml), made from
nothing but code so that the demo renders on a fresh checkout: narration, stills, a music bed
and their README.

Run ``python scripts/make_demo_assets.py [--episode essays/<slug>.yaml ... | --all]
[--only narration|stills|music]``; with no episode named, essays/her.yaml.
"""
