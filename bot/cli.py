"""The command line: run, demo, ask, kb, registry, reminders."""

import argparse
import asyncio
import json
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from bot import replies
from bot.config import Config, ConfigError, load_config
from bot.imports import KINDS
from bot.logs import configure_logging
from bot.spreadsheets import SheetError
from bot.standards import StandardsError
from knowledge.answer import answer_to
from knowledge.loader import BUNDLED, KnowledgeError, check, load
from knowledge.model import KnowledgeBase
from knowledge.search import Index, SearchResult, search

USAGE_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command; errors become one line and exit code 2."""
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ConfigError, KnowledgeError, StandardsError) as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return USAGE_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý quy định cán bộ, công chức.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the bot (long polling)")
    run.add_argument("--config", type=Path, required=True, help="TOML config file")
    run.set_defaults(handler=_run)

    demo = commands.add_parser("demo", help="chat with the bot offline, through a local fake Telegram")
    demo.add_argument("--config", type=Path, help="TOML config file (token and database are ignored)")
    demo.set_defaults(handler=_demo)

    ask = commands.add_parser("ask", help="answer a question as the bot would")
    ask.add_argument("question", help="the question, or - to read one question per line from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--knowledge", type=Path, default=BUNDLED, help="knowledge base folder")
    ask.set_defaults(handler=_ask)

    kb = commands.add_parser("kb", help="knowledge base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    for name, handler, text in (
        ("check", _kb_check, "lint the knowledge base"),
        ("stats", _kb_stats, "entries per topic and document"),
    ):
        sub = kb_commands.add_parser(name, help=text)
        sub.add_argument("--knowledge", type=Path, default=BUNDLED, help="knowledge base folder")
        sub.set_defaults(handler=handler)
    _registry_parser(commands)
    _reminders_parser(commands)
    return parser


def _registry_parser(commands: argparse._SubParsersAction) -> None:
    registry = commands.add_parser("registry", help="the personnel registry: import, export, audit log")
    registry_commands = registry.add_subparsers(dest="registry_command", required=True)
    load = registry_commands.add_parser("import", help="import a .csv or .xlsx file, whole or not at all")
    load.add_argument("file", type=Path)
    load.add_argument("--prune", action="store_true", help="deactivate staff missing from the file")
    load.add_argument("--dry-run", action="store_true", help="check and count without writing")
    load.set_defaults(handler=_registry_import)
    export = registry_commands.add_parser("export", help="write a kind's rows to .csv or .xlsx")
    export.add_argument("file", type=Path)
    export.set_defaults(handler=_registry_export)
    for sub in (load, export):
        sub.add_argument("--kind", choices=KINDS, required=True)
    audit = registry_commands.add_parser("audit", help="print who looked up whom")
    audit.add_argument("--limit", type=int, default=100, help="newest rows to print (100)")
    audit.set_defaults(handler=_registry_audit)
    for sub in (load, export, audit):
        sub.add_argument("--config", type=Path, help="TOML config file (for [storage] database)")


def _reminders_parser(commands: argparse._SubParsersAction) -> None:
    reminders = commands.add_parser("reminders", help="reminders: what is due, and sending it now")
    reminders_commands = reminders.add_subparsers(dest="reminders_command", required=True)
    due = reminders_commands.add_parser("due", help="list the reminders due on a day and whether they went")
    due.add_argument("--date", type=_day, help="the day, dd/mm/yyyy (default: today)")
    due.set_defaults(handler=_reminders_due)
    send = reminders_commands.add_parser(
        "send", help="send everything due today not sent yet, whatever the hour"
    )
    send.set_defaults(handler=_reminders_send)
    for sub in (due, send):
        sub.add_argument("--config", type=Path, help="TOML config file", required=sub is send)


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"không đọc được ngày «{text}», cần dạng dd/mm/yyyy") from None


def _reminders_due(args: argparse.Namespace) -> int:
    from bot.reminders import due_reminders
    from bot.services import Services
    from bot.standards import dmy

    config = load_config(args.config) if args.config else Config()
    svc = Services.open(config)
    day = args.date or svc.today()
    sent = svc.outbox.sent()
    dues = due_reminders(svc.people, svc.standards, config.reminders, day)
    for due in dues:
        key = (due.staff_code, due.kind, due.subject, due.due_on.isoformat())
        went = "đã gửi" if key in sent else "chưa gửi"
        print(f"{due.staff_code:>12}  {due.kind:<9} {due.subject:<40} {dmy(due.due_on)}  {went}")
    print(f"{len(dues)} nhắc việc đến hạn ngày {dmy(day)}.")
    return 0


def _reminders_send(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    configure_logging(config.logging.level, [config.require_token()])
    outcomes = asyncio.run(_send_now(config))
    print("Đã xử lý: " + ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items())) if outcomes
          else "Không có nhắc việc nào cần gửi.")  # fmt: skip
    return 0


async def _send_now(config: Config) -> Counter:
    from bot.app import build_application
    from bot.delivery import Sender
    from bot.services import Services
    from handlers.reminders import send_due

    svc = Services.open(config)
    try:
        async with build_application(config, svc) as application:  # the bot and its rate limiter only
            return await send_due(svc, Sender(application.bot), any_hour=True)
    finally:
        svc.close()


def _run(args: argparse.Namespace) -> int:
    from bot.app import build_application
    from bot.services import Services

    config = load_config(args.config)
    token = config.require_token()
    configure_logging(config.logging.level, [token])
    application = build_application(config, Services.open(config))
    application.run_polling()
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    config = load_config(args.config) if args.config else Config()
    return run_demo(config)


def _ask(args: argparse.Namespace) -> int:
    kb = load(args.knowledge)
    index = Index(kb)
    questions = sys.stdin if args.question == "-" else [args.question]
    contact = Config().support.contact
    for line in questions:
        question = line.rstrip("\n")
        result = search(index, question)
        if args.json:
            print(json.dumps(result_json(result, kb), ensure_ascii=False), flush=True)
        else:
            print(result_text(result, kb, contact), end="\n\n", flush=True)
    return 0


def result_text(result: SearchResult, kb: KnowledgeBase, contact: str) -> str:
    """What the user would read, as plain text."""
    if result.outcome == "answer":
        return answer_to(result.best.entry, kb.documents, result.documents).plain()
    if result.outcome == "suggest":
        return replies.suggestions_plain([hit.entry for hit in result.hits])
    return replies.decline(contact)


def result_json(result: SearchResult, kb: KnowledgeBase) -> dict:
    """The machine-readable result: the most likely entry, the text the user sees, suggestions."""
    best = result.best.entry if result.best and result.outcome != "decline" else None
    answered = result.outcome == "answer"
    return {
        "outcome": result.outcome,
        "entry_id": best.id if best else None,
        "title": best.title if best else None,
        "text": result_text(result, kb, "") if result.outcome != "decline" else "",
        "sources": [{"document": s.document, "article": s.article} for s in best.sources] if answered else [],
        "score": result.confidence,
        "suggestions": [
            {"entry_id": hit.entry.id, "title": hit.entry.title, "score": hit.score}
            for hit in (result.hits if result.outcome != "decline" else ())
        ],
    }


def _kb_check(args: argparse.Namespace) -> int:
    kb, problems = check(args.knowledge)
    for problem in problems:
        print(problem)
    errors = sum(not p.warning for p in problems)
    print(
        f"{len(kb.entries)} mục, {len(kb.documents)} văn bản: {errors} lỗi, "
        f"{len(problems) - errors} cảnh báo."
    )
    return 1 if errors else 0


def _kb_stats(args: argparse.Namespace) -> int:
    kb = load(args.knowledge)
    topics = Counter(entry.topic for entry in kb.entries)
    documents = Counter(
        s.document for entry in kb.entries for s in {x.document: x for x in entry.sources}.values()
    )
    phrasings = [len(entry.questions) for entry in kb.entries]
    print(
        f"Tổng: {len(kb.entries)} mục, {sum(phrasings)} cách hỏi "
        f"(mỗi mục {min(phrasings, default=0)}–{max(phrasings, default=0)}, "
        f"trung bình {sum(phrasings) / max(len(phrasings), 1):.1f})."
    )
    print("\nMục theo chủ đề:")
    for topic, count in sorted(topics.items()):
        print(f"  {topic:30} {count:4}")
    print("\nMục dẫn từng văn bản:")
    for number, count in documents.most_common():
        print(f"  {number:30} {count:4}")
    return 0


def _open_registry(args: argparse.Namespace):
    from bot.db import open_database
    from bot.registry import Registry
    from bot.standards import load_programmes

    config = load_config(args.config) if args.config else Config()
    programmes = {code: programme.name for code, programme in load_programmes().items()}
    return Registry(open_database(config.storage.database), programmes)


def _registry_import(args: argparse.Namespace) -> int:
    try:
        result = _open_registry(args).import_file(args.file, args.kind, args.prune, args.dry_run)
    except SheetError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 1
    if result.parsed.ignored:
        print("Bỏ qua cột không dùng: " + ", ".join(f"«{name}»" for name in result.parsed.ignored))
    if result.counts is None:
        for problem in result.parsed.problems:
            print(f"{args.file.name}: {problem}")
        print(f"Không nhập gì: {len(result.parsed.problems)} lỗi. Sửa các dòng trên rồi nhập lại cả tệp.")
        return 1
    counts = result.counts
    verb = "Kiểm tra xong, chưa ghi gì: sẽ" if args.dry_run else "Đã nhập:"
    pruned = f", ngừng theo dõi {counts.deactivated}" if args.prune else ""
    print(
        f"{verb} thêm {counts.inserted}, cập nhật {counts.updated}, "
        f"giữ nguyên {counts.unchanged}{pruned} ({args.kind}, {len(result.parsed.records)} dòng)."
    )
    return 0


def _registry_export(args: argparse.Namespace) -> int:
    try:
        rows = _open_registry(args).export(args.kind, args.file)
    except SheetError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 1
    print(f"Đã ghi {rows} dòng ({args.kind}) vào {args.file}.")
    return 0


def _registry_audit(args: argparse.Namespace) -> int:
    registry = _open_registry(args)
    rows = list(registry.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [args.limit]))
    for row in reversed(rows):
        actor = row["actor_staff_code"] or f"user {row['actor_user_id']}"
        subject = row["subject_staff_code"] or "-"
        print(f"{row['at']}  {actor:>12}  {row['action']:<10} {subject:>10}  {row['detail']}")
    print(f"{len(rows)} dòng nhật ký.")
    return 0
