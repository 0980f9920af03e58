"""Archive import (补领档案库): a large CSV through ``counter-app archive import``, streamed.

    ./dev bench archive_import [--rows N] [--baseline-rows M] [--baseline-commit C] [--keep DIR]

Writes a deterministic synthetic archive CSV of N rows (default 1 000 000, a provincial pack:
names from common surnames and given-name characters plus rare ones such as 䶮, 𠮷, 㛃 and
minority names with ·; 18-digit, 15-digit and missing ID numbers; three date spellings; Chinese
headers), then imports it with the real command line in a child process (a fresh data dir,
SQLCipher, the journal entry) and reports the child's wall time, CPU time and peak RSS
(``ru_maxrss`` of the waited-for child). Baselines in the same run: Python's csv module alone
reading the same file (the floor of any importer), and the import of the commit before the
streaming import (``--baseline-commit``, default 2c1e0f9: the whole file in memory, the 字号
check outside the write transaction), extracted with ``git archive`` and run on the same
interpreter against the first M rows (default 100 000: on the full file it passed 2.3 GB and had
not finished after 120 s), next to this commit's import of the same M rows. Targets (issue 13):
1 000 000 rows in < 2 minutes with < 500 MB peak RSS on the 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counter_app.domain.idnumber import check_digit  # noqa: E402

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
            "毛郝龚邵万钱严覃武戴莫孔向汤单欧阳")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文玉梅兵春荣海燕林玲淑珍云飞鹏辉"
#: Rare characters real registers hold (CJK Ext A/B, supplementary planes): one name in 50.
RARE = "䶮㛃𠮷𡒄𪚥䲜堃喆昇犇淼焱鑫"
MINORITY = ("阿依古丽·买买提", "热依拉·艾力", "巴特尔·朝鲁", "扎西·次仁", "古丽米拉·吐尔逊")
REGIONS = ("110105", "110102", "330281", "445202", "532301", "440301", "510104", "650102")
OFFICES = (("110105-HY", "北京市朝阳区民政局婚姻登记处"), ("330281-HY", "余姚市民政局婚姻登记处"),
           ("445202-HY", "揭阳市榕城区民政局婚姻登记处"), ("", "某县民政局"))
HEADER = ("事项", "登记日期", "字号", "登记机关代码", "登记机关", "男方姓名", "男方身份证号",
          "男方出生日期", "女方姓名", "女方身份证号", "女方出生日期")


def name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.01:
        return rng.choice(MINORITY)
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    if roll < 0.03:
        given = given[:-1] + rng.choice(RARE)
    return rng.choice(SURNAMES) + given


def party(rng: random.Random, male: bool, born: int, registered: int) -> tuple[str, str, str]:
    """(name, ID number as the register wrote it, birth date) of a synthetic person."""
    birth = f"{born:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    seq = rng.randrange(0, 999) // 2 * 2 + (1 if male else 0)
    region = rng.choice(REGIONS)
    iso = f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"
    if registered < 1986 and rng.random() < 0.5:
        return name(rng), "", iso                            # before ID numbers: birth only
    if registered < 1999 and rng.random() < 0.3:
        return name(rng), f"{region}{birth[2:]}{seq:03d}", ""  # the old 15-digit number
    first17 = f"{region}{birth}{seq:03d}"
    return name(rng), first17 + check_digit(first17), iso if rng.random() < 0.5 else ""


def write_csv(path: Path, rows: int, seed: int = 13) -> None:
    """A deterministic archive file: ``rows`` records, every 字号 distinct."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(1, rows + 1):
            year = rng.randint(1960, 2024)
            divorce = rng.random() < 0.15
            man = party(rng, True, year - rng.randint(22, 40), year)
            woman = party(rng, False, year - rng.randint(20, 38), year)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            spelled = rng.choice((f"{year}-{month:02d}-{day:02d}", f"{year}/{month}/{day}",
                                  f"{year}年{month}月{day}日"))
            code, office = rng.choice(OFFICES)
            number = f"{'L' if divorce else 'J'}{code[:6] or '000000'}-{year}-{n:07d}"
            writer.writerow(("离婚" if divorce else "结婚", spelled, number, code, office,
                             *man, *woman))


def child(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Run ``argv``; (wall s, CPU s, peak RSS MB of that child, exit code, last stderr line)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    last = err.strip().splitlines()[-1] if err.strip() else ""
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status), last)


BASELINE_CSV = """
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    print(sum(1 for _ in csv.reader(f)))
"""


def old_tree(commit: str, into: Path) -> Path:
    """The source of ``commit`` (git archive: read-only, no worktree), for the baseline."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "counter_app", "sync",
                              "drivers", "forms", "resources"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def importer(tree: Path, data_dir: Path, file: Path) -> list[str]:
    """The command line of ``counter-app archive import`` from the source in ``tree``."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); "
            "from counter_app.cli import main; sys.exit(main())",
            "--data-dir", str(data_dir), "archive", "import", str(file)]


def threads(argv: list[str]) -> str:
    """The import's own log line: CPU seconds spent reading and checking rows, and writing
    them (SQLite, SQLCipher)."""
    if "--data-dir" not in argv:
        return ""
    logs = Path(argv[argv.index("--data-dir") + 1]) / "logs"
    lines = [line for path in sorted(logs.glob("*.log*"))
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if "rows read in" in line]
    return lines[-1].split("archive import: ", 1)[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    parser.add_argument("--baseline-commit", default="2c1e0f9")
    parser.add_argument("--keep", type=Path, help="work in this dir and keep it")
    args = parser.parse_args()
    env = dict(os.environ, COUNTER_APP_JOURNAL_KEY_STORE="file")
    env.pop("COUNTER_APP_CONFIG", None)
    (ROOT / ".cache").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / ".cache") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        big, small = work / "archive.csv", work / "baseline.csv"
        n = min(args.rows, args.baseline_rows)
        started = time.perf_counter()
        write_csv(big, args.rows)
        write_csv(small, n)
        print(f"{args.rows:,} rows written to {big} ({big.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s ({os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]}, load average "
              f"{os.getloadavg()[0]:.1f} before the runs)", flush=True)
        old = old_tree(args.baseline_commit, work / "old")
        runs = [
            (f"counter-app archive import, {args.rows:,} rows",
             importer(ROOT, work / "data", big)),
            (f"baseline: csv.reader alone, {args.rows:,} rows",
             [sys.executable, "-c", BASELINE_CSV, str(big)]),
            (f"counter-app archive import, {n:,} rows", importer(ROOT, work / "data-n", small)),
            (f"baseline: {args.baseline_commit} import, {n:,} rows",
             importer(old, work / "data-old", small)),
        ]
        for label, argv in runs:
            wall, cpu, rss, code, err = child(argv, env)
            print(f"{label:46s} wall {wall:7.1f} s  CPU {cpu:7.1f} s  peak RSS {rss:6.0f} MB"
                  f"  exit {code}", flush=True)
            if code:
                print(f"    {err}")
            split = threads(argv)
            if split:
                print(f"    {split}")
        print(f"load average after the runs: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
