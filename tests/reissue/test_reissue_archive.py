"""Ensure archive files are imported all-or-nothing with every bad row named, 15-digit numbers
are converted, the index is encrypted, and every search key finds the record (audited)."""

from __future__ import annotations

import json

import pytest

from counter_app.reissue import (ArchiveFileError, ArchiveImportError, ArchiveIndex,
                                 ArchiveSearchError, open_archive)
from counter_app.reissue.index import pinyin_keys
from counter_app.resources import resource_path

HEADER = ("item,registration_date,certificate_number,office_code,office_name,man_name,"
          "man_id_number,man_birth_date,woman_name,woman_id_number,woman_birth_date\n")
GOOD = [
    "结婚,1986-05-20,J110105-1986-000123,110105-HY,朝阳区,张建国,110105580314031,,"
    "刘秀英,110105601102042,",
    "marriage,1988/10/01,J110102-1988-000456,,西城区,单志刚,11010219620705151X,1962-07-05,"
    "曾淑芬,110102196401202625,1964-01-20",
    "离婚,2012年3月15日,L110102-2012-000078,,西城区,单志刚,11010219620705151X,,"
    "曾淑芬,110102196401202625,",
    "结婚,1979-12-28,（79）余民婚字第0415号,330281-HY,余姚县,徐阿根,,1955-12-12,孙小妹,,1958-06-06",
]


@pytest.fixture
def archive(journal):
    arc = open_archive(journal, "boss")  # a supervisor imports, a registrar searches: boss is both
    yield arc
    arc.index.close()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_csv_is_imported_and_journaled_once(archive, journal, tmp_path):
    path = write(tmp_path, "village.csv", HEADER + "\n".join(GOOD) + "\n")
    report = archive.import_file(path)
    assert (report.rows, report.imported, report.errors) == (4, 4, [])
    again = archive.import_file(path)
    assert again.already_imported and again.imported == 0
    entries = [e for e in journal.entries() if e.kind == "archive.imported"]
    assert len(entries) == 1
    assert entries[0].payload["sha256"] == report.sha256 and entries[0].payload["rows"] == 4
    found = archive.search("110105601102042").hits  # the 15-digit number as typed
    assert found[0].record.woman.id_number == "11010519601102042X"
    assert found[0].record.id_upgraded == ("man", "woman")
    old = archive.search("徐阿根").hits[0].record
    assert old.man.id_number == "" and old.certificate_number == "（79）余民婚字第0415号"


def test_bad_rows_are_all_reported_and_nothing_is_imported(archive, journal, tmp_path):
    rows = GOOD[:1] + [
        "结婚,1990-02-30,J1,,x,王五,,1960-01-01,赵六,,1962-01-01",        # no such date
        "结婚,1990-01-01,J2,,x,王五,110105580314032,,赵六,,1962-01-01",   # 15-digit, female code
        "再婚,1990-01-01,J3,,x,王五,,1960-01-01,赵六,,1962-01-01",        # unknown item
        "结婚,1990-01-01,J4,,x,王五,,,赵六,,1962-01-01",                  # neither id nor birth
        "结婚,1990-01-01,J110105-1986-000123,,x,王五,,1960-01-01,赵六,,1962-01-01",  # dup 字号
        "结婚,1990-01-01,J5,,x,王五,11010219620705151X,1962-07-06,赵六,,1962-01-01",  # birth
        "结婚,1990-01-01,J6",                                              # short row
    ]
    path = write(tmp_path, "bad.csv", HEADER + "\n".join(rows) + "\n")
    with pytest.raises(ArchiveImportError) as caught:
        archive.import_file(path)
    errors = {e.row: e.reason for e in caught.value.report.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert "不是有效日期" in errors[3] and "性别码为女" in errors[4]
    assert "不认识" in errors[5] and "既无身份证号也无出生日期" in errors[6]
    assert "与第 2 行重复" in errors[7] and "不一致" in errors[8] and "列数" in errors[9]
    assert "整个文件没有导入" in caught.value.message_zh
    assert archive.index.count() == 0
    assert not [e for e in journal.entries() if e.kind == "archive.imported"]


def test_json_with_chinese_keys_and_its_bad_rows(archive, tmp_path):
    records = [{"事项": "离婚", "登记日期": "2008-06-30", "字号": "L445202-2008-000045",
                "登记机关": "揭阳", "男方姓名": "黄志明", "男方身份证号": "445202198001014516",
                "女方姓名": "林晓燕", "女方身份证号": "445202198203033627"}]
    good = write(tmp_path, "pack.json", json.dumps({"records": records}, ensure_ascii=False))
    assert archive.import_file(good).imported == 1
    assert archive.search("hzm").hits[0].record.item == "divorce"
    bad = [dict(records[0], 字号="L2", 女方身份证号="445202198203033628"), "not a record"]
    path = write(tmp_path, "bad.json", json.dumps(bad, ensure_ascii=False))
    with pytest.raises(ArchiveImportError) as caught:
        archive.import_file(path)
    errors = caught.value.report.errors
    assert [e.row for e in errors] == [1, 2]
    assert "校验位" in errors[0].reason and "对象" in errors[1].reason


@pytest.mark.parametrize("text, message", [
    (b"\xff\xfe\x00garbage", "UTF-8"),
    ("item,registration_date\n".encode(), "缺少列"),
    (b"", "空"),
])
def test_unreadable_files_say_why(archive, tmp_path, text, message):
    path = tmp_path / "x.csv"
    path.write_bytes(text)
    with pytest.raises(ArchiveFileError) as caught:
        archive.import_file(path)
    assert message in caught.value.message_zh


def test_every_search_key(archive, journal):
    archive.import_bytes(resource_path("archive_demo", "archive-demo.csv").read_bytes(),
                         "demo.csv", "csv")

    def refs(query):
        return [h.record.certificate_number for h in archive.search(query).hits]

    assert refs("11010519601102042X") == ["J110105-1986-000123"]
    assert refs("110105601102042") == ["J110105-1986-000123"]
    assert refs("11010519601102") == ["J110105-1986-000123"]  # the first digits
    assert refs("刘秀英") == refs("刘秀") == refs("liuxiuying") == refs("lxy 1986")
    assert refs("wangyan") == ["J110108-2014-000214"]
    assert refs("shanzhigang") == refs("danzhigang") == refs("szg")  # 单: shan and dan
    assert refs("单志刚 曾淑芬") == ["L110102-2012-000078", "J110102-1988-000456"]  # spouse
    assert refs("单志刚 1988") == ["J110102-1988-000456"]  # year
    assert refs("张三丰") == []
    with pytest.raises(ArchiveSearchError, match="校验位"):
        archive.search("110105196011020421")
    with pytest.raises(ArchiveSearchError):
        archive.search("   ")
    audited = [e.payload for e in journal.entries() if e.kind == "archive.searched"]
    assert audited[0]["kinds"] == ["id"] and audited[0]["results"] == 1
    assert "11010519601102042X" not in json.dumps(audited, ensure_ascii=False)
    assert "刘秀英" not in json.dumps(audited, ensure_ascii=False)


def test_the_counters_own_registrations_are_searchable(archive, journal):
    journal.append("intake.party", {"role": "man", "party": {"birth_date": "1990-03-07"}},
                   operator="reg01", case_id="c1")
    journal.append("case.registered", {
        "item": "marriage", "registration_date": "2026-05-20",
        "certificate_number": "J110105-2026-000001", "office_code": "110105-HY",
        "parties": [{"role": "man", "name": "王䶮", "id_type": "resident",
                     "id_number": "11010219900307123X"},
                    {"role": "woman", "name": "李梅", "id_type": "resident",
                     "id_number": "110105199602290025"}]}, operator="reg01", case_id="c1")
    hit = archive.search("wy").hits[0]
    assert hit.record.ref == "case:c1" and hit.record.source == "journal"
    assert hit.record.man.birth_date == "1990-03-07"
    assert archive.sync_journal() == 0  # nothing new: indexed once


def test_the_index_is_encrypted_at_rest(archive, journal, tmp_path):
    archive.import_bytes(resource_path("archive_demo", "archive-demo.csv").read_bytes(),
                         "demo.csv", "csv")
    raw = (journal.path.parent / "archive.db").read_bytes()
    assert "刘秀英".encode() not in raw and b"11010519601102042X" not in raw
    assert not raw.startswith(b"SQLite format 3")
    from counter_app.journal.errors import WrongKeyError

    with pytest.raises(WrongKeyError):
        ArchiveIndex(journal.path.parent / "archive.db", bytes(32))


def test_pinyin_keys_cover_surname_readings():
    keys = pinyin_keys("曾淑芬")
    assert {"cengshufen", "zengshufen", "csf", "zsf"} <= set(keys)
    assert pinyin_keys("阿依古丽·买买提")[0] == "ayigulimaimaiti"


def test_a_15_digit_number_typed_with_separators_is_still_marked_upgraded():
    from counter_app.reissue.records import parse_row

    keys = HEADER.strip().split(",")
    row = dict(zip(keys, GOOD[0].split(",")))
    row["man_id_number"] = "110105-580314-031"
    record = parse_row(row)
    assert record.man.id_number == "110105195803140310"
    assert record.id_upgraded == ("man", "woman")


def test_an_import_whose_journal_entry_was_lost_is_journaled_on_the_retry(archive, journal,
                                                                         tmp_path, monkeypatch):
    path = write(tmp_path, "village.csv", HEADER + "\n".join(GOOD) + "\n")
    real = journal.append

    def power_cut(kind, *args, **kwargs):
        if kind == "archive.imported":
            raise OSError("the machine went off")
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(journal, "append", power_cut)
    with pytest.raises(OSError):
        archive.import_file(path)
    monkeypatch.setattr(journal, "append", real)
    again = archive.import_file(path)           # the records and the mark went in together
    assert again.already_imported
    entries = [e.payload for e in journal.entries() if e.kind == "archive.imported"]
    assert [(e["rows"], e["imported"]) for e in entries] == [(4, 4)]
    archive.import_file(path)
    assert len([e for e in journal.entries() if e.kind == "archive.imported"]) == 1
