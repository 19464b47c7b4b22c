"""What the delivered files measure: integrated loudness, true peak and range, as JSON."""

from __future__ import annotations

import json

from pipeline.publish.product import Rendered, text_product


def _text(rendered: Rendered) -> str:
    audio = rendered.essay.settings.audio
    report = {
        "target": {"integrated": audio.loudness, "true_peak": audio.true_peak},
        "measured": {name: m.as_dict() for name, m in rendered.loudness.items()},
        "meter": "ITU-R BS.1770-4 (ffmpeg ebur128, true peak 4x oversampled)",
    }
    return json.dumps(report, indent=2) + "\n"


REPORT = text_product(".loudness.json", _text, role="loudness")
