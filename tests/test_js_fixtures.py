"""The JavaScript tests read payloads made by Python (scripts/js_fixtures.py): regenerate
them and compare with the committed files, so the two sides of the protocol cannot drift."""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "js" / "test" / "fixtures"
SCRIPT = ROOT / "scripts" / "js_fixtures.py"


def test_committed_js_fixtures_are_what_python_sends_today(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], check=True, cwd=ROOT)
    fresh = {p.name: p.read_text() for p in tmp_path.glob("*.json")}
    committed = {p.name: p.read_text() for p in COMMITTED.glob("*.json")}
    assert fresh, "scripts/js_fixtures.py wrote no fixture"
    again = "run `python scripts/js_fixtures.py` and commit js/test/fixtures/"
    assert sorted(committed) == sorted(fresh), again
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"{stale} differ from what Python sends: {again}"


def test_each_fixture_is_a_whole_payload():
    for path in COMMITTED.glob("*.json"):
        payload = json.loads(path.read_text())
        assert set(payload) == {"structure", "values", "sliders", "mode", "max_nodes",
                                "start", "forward", "scale"}, path.name
        structure, values = payload["structure"], payload["values"]
        if structure.get("summary"):
            assert structure["nodes"] == [] and values["data"] == [] == values["local"], path.name
        else:
            assert len(values["data"]) == len(structure["nodes"]) > 0, path.name
            assert len(values["local"]) == len(structure["edges"]), path.name
            assert "eager" in values["replays"], path.name
