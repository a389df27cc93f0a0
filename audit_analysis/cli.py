"""The `audit-analysis` command: validate, clean, run, list, new, questionnaires.

Unix habits: results (and a clean validation's warnings) to stdout, errors to stderr, exit status 0 on success,
1 when the data has errors or a run failed, 2 for a usage mistake; a user's
mistake never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from audit_analysis import __version__
from audit_analysis.paths import Workspace
from audit_analysis.problems import AuditDataError, errors_in, render_text

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called (unknown audit, bad folder, …)."""


def _audit_ids(args: argparse.Namespace, workspace: Workspace) -> list[str]:
    found = workspace.audit_ids()
    if getattr(args, "all", False):
        if not found:
            raise UsageError(f"no audits found under {workspace.raw}")
        return found
    if not args.audit_id:
        raise UsageError("name an audit id, or use --all")
    for audit_id in args.audit_id:
        if audit_id not in found:
            hint = (
                f"; audits found: {', '.join(found)}"
                if found
                else f"; no audits under {workspace.raw}"
            )
            raise UsageError(
                f"no audit '{audit_id}' (expected {workspace.raw / audit_id}/audit.yaml){hint}"
            )
    return list(args.audit_id)


class _Progress:
    """What validation is doing: a bar on a terminal, a timed line per step in a log, nothing with -q."""

    def __init__(self, audit_id: str, quiet: bool) -> None:
        self.audit_id, self.quiet = audit_id, quiet
        self.started = time.monotonic()
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(desc=audit_id, unit=" step", file=sys.stderr, leave=False)

    def __call__(self, message: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(message, refresh=False)
            self.bar.update()
        elif not self.quiet:
            seconds = time.monotonic() - self.started
            print(f"{self.audit_id}: [{seconds:5.1f}s] {message}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _report(audit_id: str, paths, problems) -> str:
    """The problems for the terminal: a few of each kind, the whole list written to a file."""
    from audit_analysis.clean.pipeline import full_report, full_report_path

    written = full_report(paths, problems)
    where = str(written) if written else f"(could not be written to {full_report_path(paths)})"
    return render_text(audit_id, problems, full_report=where)


def _validate(audit_id: str, paths, quiet: bool):
    from audit_analysis.clean.pipeline import validate

    progress = _Progress(audit_id, quiet)
    try:
        return validate(paths, progress)
    finally:
        progress.close()


def cmd_validate(args: argparse.Namespace, workspace: Workspace) -> int:
    status = EXIT_OK
    for audit_id in _audit_ids(args, workspace):
        paths = workspace.audit(audit_id)
        clean = _validate(audit_id, paths, args.quiet)
        report = _report(audit_id, paths, clean.problems)
        if clean.ok:
            print(report.splitlines()[0] if args.quiet else report, end="\n" if args.quiet else "")
        else:
            print(report, end="", file=sys.stderr)
            status = EXIT_FAILED
    return status


def cmd_clean(args: argparse.Namespace, workspace: Workspace) -> int:
    from audit_analysis.clean.pipeline import clean

    status = EXIT_OK
    for audit_id in _audit_ids(args, workspace):
        paths = workspace.audit(audit_id)
        try:
            progress = _Progress(audit_id, args.quiet)
            try:
                result = clean(paths, progress)
            finally:
                progress.close()
        except AuditDataError as exc:
            print(_report(audit_id, paths, exc.problems), end="", file=sys.stderr)
            print(
                f"{audit_id}: nothing written; fix the errors above and run again.", file=sys.stderr
            )
            status = EXIT_FAILED
            continue
        warnings = len(result.problems) - len(errors_in(result.problems))
        print(
            f"{audit_id}: processed tables written to {workspace.audit(audit_id).processed} ({warnings} warning(s))"
        )
        if warnings and not args.quiet:
            print(_report(audit_id, paths, result.problems), end="", file=sys.stderr)
    return status


def cmd_run(args: argparse.Namespace, workspace: Workspace) -> int:
    audit_ids = _audit_ids(args, workspace)
    from audit_analysis.run.runner import run_audits

    results = run_audits(
        workspace,
        audit_ids,
        jobs=args.jobs,
        publication=args.publication,
        final=args.final,
        pdf=not args.no_pdf,
        docx_template=_docx_template(args.docx_template),
        force=args.force,
        progress=not args.quiet and sys.stderr.isatty(),  # no bar in logs, as Unix tools do
    )
    failed = [r for r in results if not r.ok]
    for result in results:
        stream = sys.stderr if not result.ok else sys.stdout
        print(result.summary(), file=stream)
    if len(results) > 1:
        print(
            f"{len(results) - len(failed)} of {len(results)} audits succeeded, {len(failed)} failed",
            file=sys.stderr if failed else sys.stdout,
        )
    return EXIT_FAILED if failed else EXIT_OK


def _docx_template(path: str | None):
    """The --docx-template file, checked before any audit runs (a wrong path is a usage error)."""
    if path is None:
        return None
    from audit_analysis.paper.docx import DocxTemplateError, validate_template

    try:
        return validate_template(path)
    except DocxTemplateError as exc:
        raise UsageError(str(exc)) from exc


def cmd_list(args: argparse.Namespace, workspace: Workspace) -> int:
    from audit_analysis.run.states import audit_states

    states = audit_states(workspace)
    if not states:
        print(f"No audits under {workspace.raw}. Create one with `audit-analysis new <audit-id>`.")
        return EXIT_OK
    width = max(len(s.audit_id) for s in states)
    print(f"{'audit'.ljust(width)}  processed  paper")
    for state in states:
        print(f"{state.audit_id.ljust(width)}  {state.processed.ljust(9)}  {state.paper}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace, workspace: Workspace) -> int:
    from audit_analysis.run.scaffold import InvalidAuditIdError, scaffold_audit

    try:
        folder = scaffold_audit(workspace, args.audit_id[0], title=args.title, board=args.board)
    except InvalidAuditIdError as exc:
        raise UsageError(str(exc)) from exc
    print(
        f"Created {folder}: fill in audit.yaml, the CSV files and commentary.md, then run "
        f"`audit-analysis validate {args.audit_id[0]}`."
    )
    return EXIT_OK


def cmd_questionnaires(args: argparse.Namespace, workspace: Workspace) -> int:
    audit_ids = _audit_ids(args, workspace)
    from audit_analysis.intake.config import read_config
    from audit_analysis.run.questionnaires import write_questionnaires

    status = EXIT_OK
    for audit_id in audit_ids:
        paths = workspace.audit(audit_id)
        try:
            config = read_config(paths.raw)
        except AuditDataError as exc:
            print(render_text(audit_id, exc.problems), end="", file=sys.stderr)
            status = EXIT_FAILED
            continue
        written = write_questionnaires(paths, config)
        print(
            f"{audit_id}: {len(written)} questionnaire workbook(s) written to {paths.questionnaires}"
        )
    return status


def cmd_synth(args: argparse.Namespace, workspace: Workspace) -> int:
    from audit_analysis.run.scaffold import InvalidAuditIdError
    from audit_analysis.run.synth import write_synthetic_audit

    try:
        folder = write_synthetic_audit(
            workspace, args.audit_id[0], args.cases, args.seed, args.agencies
        )
    except (InvalidAuditIdError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    if not args.quiet:
        print(f"Created {folder}: a synthetic audit of {args.cases} case(s), seed {args.seed}.")
    return EXIT_OK


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        default=argparse.SUPPRESS,
        help="project folder holding data/ and outputs/ (default: this checkout)",
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress or warnings on stderr",
    )

    parser = argparse.ArgumentParser(
        prog="audit-analysis",
        description="Turn the returns of a multi-agency safeguarding case audit into a board paper.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="command", required=True)

    def audits(p: argparse.ArgumentParser, many: bool = True) -> None:
        p.add_argument(
            "audit_id", nargs="*" if many else 1, help="audit folder name under data/raw/"
        )
        if many:
            p.add_argument("--all", action="store_true", help="every audit under data/raw/")

    p = sub.add_parser(
        "validate", parents=[common], help="check an audit's inputs and list every problem"
    )
    audits(p)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser(
        "clean", parents=[common], help="validate, then write the tidy tables to data/processed/"
    )
    audits(p)
    p.set_defaults(handler=cmd_clean)

    p = sub.add_parser(
        "run",
        parents=[common],
        help="run the notebooks and export the board paper (HTML, PDF, Word)",
    )
    audits(p)
    p.add_argument(
        "-j", "--jobs", type=_positive, default=1, help="audits to run in parallel (default 1)"
    )
    p.add_argument(
        "--publication",
        action="store_true",
        help="apply disclosure control and leave out free-text evidence",
    )
    p.add_argument(
        "--final",
        action="store_true",
        help="a board export: fail if commentary sections are missing",
    )
    p.add_argument("--no-pdf", action="store_true", help="export HTML (and Word) only, no PDF")
    p.add_argument(
        "--docx-template",
        metavar="PATH",
        default=None,
        help="a council's Word template (.docx or .dotx) whose styles and header the Word paper uses",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="run even when the inputs are unchanged since the last successful run",
    )
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "list", parents=[common], help="show the audits found and the state of their outputs"
    )
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("new", parents=[common], help="scaffold a new audit folder under data/raw/")
    audits(p, many=False)
    p.add_argument("--title", default=None, help="the audit's title")
    p.add_argument("--board", default=None, help="the board or partnership")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser(
        "synth", parents=[common], help="write a synthetic audit (tests, demos, benchmarks)"
    )
    audits(p, many=False)
    p.add_argument(
        "--cases", type=_positive, default=10, help="children in the sample (default 10)"
    )
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same files")
    p.add_argument(
        "--agencies", type=_positive, default=15, help="agencies asked to audit (1-15, default 15)"
    )
    p.set_defaults(handler=cmd_synth)

    p = sub.add_parser(
        "questionnaires", parents=[common], help="write one Excel questionnaire per agency"
    )
    audits(p)
    p.set_defaults(handler=cmd_questionnaires)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.root = getattr(args, "root", None)
    args.quiet = getattr(args, "quiet", False)
    try:
        workspace = Workspace.at(args.root)
        return args.handler(args, workspace)
    except UsageError as exc:
        print(f"audit-analysis: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AuditDataError as exc:
        print(render_text(exc.audit_id, exc.problems), end="", file=sys.stderr)
        return EXIT_FAILED
    except FileExistsError as exc:
        print(f"audit-analysis: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, UnicodeError) as exc:
        print(f"audit-analysis: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("audit-analysis: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
