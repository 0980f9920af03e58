"""``counter-app face check|compare``: photo quality and 1:1 verification on image files.

``check`` exits 0 when the photo is acceptable and 1 when a quality check failed; ``compare``
exits 0 with its answer either way. Unreadable images, missing models and (for compare)
images without a face are errors with a Chinese message, exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path

from counter_app.cli import EXIT_FAILED, EXIT_OK
from counter_app.context import Context


def _short_dns_wait() -> None:
    """mediapipe 1.2.2 starts an analytics host lookup when a task is created, and closing
    the task waits for that lookup. Offline, with a DNS server that drops queries, glibc's
    default (5 s x 2 attempts, A and AAAA) made every command wait 20 s at exit (measured in
    a network namespace, tests/vision/test_cli.py). This process does no other lookups, so
    its resolver is told to give up after 1 s. Long-lived GUI pipelines are unaffected: by
    the time they close, the lookup is long over. No effect on Windows' resolver [M]."""
    import os

    os.environ.setdefault("RES_OPTIONS", "timeout:1 attempts:1")


def register(sub) -> None:
    p = sub.add_parser("face", help="check a registration photo or compare two faces (offline)")
    fsub = p.add_subparsers(dest="face_command", required=True, metavar="ACTION")

    check = fsub.add_parser("check", help="faces, box and photo-quality problems of an image")
    check.add_argument("image", type=Path, metavar="IMAGE")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(func=run_check)

    compare = fsub.add_parser("compare", help="1:1 verification: are the two faces one person?")
    compare.add_argument("image_a", type=Path, metavar="IMAGE_A", help="live photo")
    compare.add_argument("image_b", type=Path, metavar="IMAGE_B", help="ID or passport photo")
    compare.add_argument("--json", action="store_true", help="print JSON")
    compare.add_argument("--backend", default=None,
                         help="matcher backend (default: the vision.match_backend setting)")
    compare.set_defaults(func=run_compare)


def run_check(args, ctx: Context) -> int:
    from counter_app.vision.faces import FacePipeline
    from counter_app.vision.image_io import load_bgr
    from counter_app.vision.native_logs import quiet_native_stderr
    from counter_app.vision.quality import check_photo

    image = load_bgr(args.image)
    _short_dns_wait()
    with quiet_native_stderr(), FacePipeline(ctx.config["vision.models_dir"] or None) as faces:
        analysis = faces.analyse(image)
    report = check_photo(image, analysis)
    primary = analysis.primary
    result = {"faces": len(analysis.faces),
              "box": list(primary.box) if primary is not None else None,
              "quality": report.as_dict()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"人脸数 faces: {result['faces']}")
        print(f"位置 box: {result['box']}")
        print("照片合格 photo ok" if report.ok else "照片不合格 photo not acceptable:")
        for problem in report.problems:
            print(f"  - {problem.message} ({problem.code})")
    return EXIT_OK if report.ok else EXIT_FAILED


def run_compare(args, ctx: Context) -> int:
    from counter_app.vision.image_io import load_bgr
    from counter_app.vision.matcher import open_matcher
    from counter_app.vision.native_logs import quiet_native_stderr

    live, reference = load_bgr(args.image_a), load_bgr(args.image_b)
    backend = args.backend or ctx.config["vision.match_backend"]
    _short_dns_wait()
    with quiet_native_stderr():
        matcher = open_matcher(backend, ctx.config["vision.models_dir"] or None)
        try:
            result = matcher.compare(live, reference)
        finally:
            matcher.close()
    if args.json:
        shape = result.as_dict()
        print(json.dumps({k: shape[k] for k in ("score", "same_person", "threshold", "backend")},
                         ensure_ascii=False))
    else:
        verdict = "是同一人 same person" if result.same_person else "不是同一人 not the same person"
        print(f"{verdict}: score {result.score:.3f} (threshold {result.threshold:.3f}, "
              f"{result.backend})")
        print(result.advice)
    return EXIT_OK
