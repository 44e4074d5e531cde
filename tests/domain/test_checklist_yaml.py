"""Checklist YAML: errors name the file, the line and the field."""

import json
import textwrap

import pytest

from audit_app.checklist_files import BUNDLED_DIR, SCHEMA_FILE, schema_text
from audit_app.domain import ChecklistError, parse_checklist_files, parse_checklist_yaml

GOOD = textwrap.dedent("""\
    id: bank-branch-visit
    version: 1
    title: {en: Bank, zh: 银行}
    mode: mystery_shop
    sections:
      - key: waiting
        title: {en: Waiting, zh: 等候}
        items:
          - key: wait_to_first_service
            text: {en: Wait, zh: 等候时长}
            kind: timed
            threshold_s: 600
            dimension: responsiveness
            source: "000 ch.1 §2 三"
    """)


def error_for(text: str) -> list[str]:
    with pytest.raises(ChecklistError) as info:
        parse_checklist_yaml(text, "checklists/bank.yaml")
    return info.value.problems


def test_good_checklist_parses():
    cl = parse_checklist_yaml(GOOD, "checklists/bank.yaml")
    assert cl.item_map["wait_to_first_service"].threshold_for(peak=False) == 600


def test_bad_threshold_names_file_line_and_field():
    assert error_for(GOOD.replace("threshold_s: 600", "threshold_s: 0")) == [
        "checklists/bank.yaml:12: sections[0].items[0].threshold_s: must be > 0"]


def test_unknown_field_is_reported_at_its_line():
    assert error_for(GOOD.replace("        source:", "        colour: red\n        source:")) == [
        "checklists/bank.yaml:14: sections[0].items[0].colour: unknown field"]


def test_rule_across_fields_names_the_field_it_concerns():
    text = GOOD.replace("kind: timed\n        threshold_s: 600", "kind: count")
    assert error_for(text) == ["checklists/bank.yaml:9: sections[0].items[0].max: "
                               "a count item needs min and/or max"]


def test_every_field_error_is_listed():
    text = GOOD.replace("threshold_s: 600", "threshold_s: -1").replace("version: 1", "version: zero")
    problems = error_for(text)
    assert len(problems) == 2
    assert problems[0].startswith("checklists/bank.yaml:2: version:")
    assert problems[1].startswith("checklists/bank.yaml:12: sections[0].items[0].threshold_s:")


def test_duplicate_item_key_names_the_second_item():
    second_item = GOOD[GOOD.index("      - key: wait_to_first_service"):]
    [problem] = error_for(GOOD + second_item)
    assert problem == ("checklists/bank.yaml:15: sections[0].items[1].key: "
                       "duplicate item key 'wait_to_first_service'")


def test_invalid_yaml_names_the_line():
    [problem] = error_for("id: x\nsections: [\n")
    assert problem.startswith("checklists/bank.yaml:3: invalid YAML")


def test_scored_item_needs_a_dimension_and_unscored_must_not_have_one():
    problems = error_for(GOOD.replace("        dimension: responsiveness\n", ""))
    assert problems == ["checklists/bank.yaml:9: sections[0].items[0].dimension: "
                        "required for scored kind timed"]


def test_schema_json_is_in_sync_with_the_models():
    on_disk = (BUNDLED_DIR / SCHEMA_FILE).read_text(encoding="utf-8")
    assert json.loads(on_disk) == json.loads(schema_text()), "run `make schema` to refresh it"


def test_a_folder_of_files_reports_every_file_and_a_version_defined_twice():
    bad = GOOD.replace("threshold_s: 600", "threshold_s: 0")
    with pytest.raises(ChecklistError) as info:
        parse_checklist_files([("a.yaml", GOOD), ("b.yaml", bad), ("c.yaml", GOOD)], "checklists")
    assert info.value.problems == [
        "b.yaml:12: sections[0].items[0].threshold_s: must be > 0",
        "checklists: bank-branch-visit v1 is defined twice"]
    [only] = parse_checklist_files([("a.yaml", GOOD)], "checklists")
    assert only.ref == ("bank-branch-visit", 1)
