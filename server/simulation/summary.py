"""The end-of-day summary for people: the run's summary dictionary (also written as JSON
with ``--out``) as a few readable blocks."""

from __future__ import annotations

from typing import Any


def _ms(figures: dict[str, Any]) -> str:
    parts = [
        f"{k[:-3]} {figures[k]:.0f}"
        for k in ("p50_ms", "p99_ms", "max_ms")
        if figures.get(k) is not None
    ]
    return f"{' / '.join(parts)} ms (n={figures['count']})" if parts else "-"


def _accuracy_line(name: str, figures: dict[str, Any]) -> str:
    if not figures["tickets"]:
        return f"  {name:<7} no ticket measured"
    return (
        f"  {name:<7} median |error| {figures['median_abs_error_min']:.1f} min, "
        f"within ±5 min {figures['within_5_min']:.0%}, within ±25 % {figures['within_25_pct']:.0%}"
        f" (n={figures['tickets']})"
    )


def render(summary: dict[str, Any]) -> str:
    """The summary as text, the verdict last."""
    plan, run = summary["plan"], summary["run"]
    lines = [
        f"Simulated day {plan['window']} on {run['service_date']} at {run['speed']:g}x "
        f"({run['real_seconds']:.0f} s real), seed {plan['seed']}, plan {plan['fingerprint']}",
        f"Visitors planned {plan['visitors']}, phones {plan['phones']}, boards "
        + (", ".join(f"{z}: {n}" for z, n in run["boards"].items()) or "none"),
        "",
        "Latency (real time, p50 / p99 / max):",
    ]
    lines += [f"  {name:<13} {_ms(figures)}" for name, figures in summary["latency"].items()]
    lines += ["", "Deliveries (must be 0 lost, 0 duplicated):"]
    for kind, d in summary["deliveries"].items():
        offline = d.get("missed_while_offline")
        lines.append(
            f"  {kind:<7} {d['listeners']} listening, {d['expected']} calls expected, "
            f"{d['lost']} lost, {d['duplicated']} duplicated"
            + ("" if offline is None else f", {offline} missed while offline (shown after)")
        )
    if "faults" in summary:
        lines += ["", *_fault_lines(summary["faults"])]
    lines += ["", *_server_lines(summary["server"])]
    estimate = summary["estimate"]
    history = estimate.get("with_history", estimate["all"])
    lines += [
        "",
        "Estimated wait against the real wait (simulated minutes), every ticket:",
        _accuracy_line("server", estimate["all"]["server"]),
        _accuracy_line("naive", estimate["all"]["naive"]),
        "  issued while every line of their counters had the server's minimum of services:",
        _accuracy_line("server", history["server"]),
        _accuracy_line("naive", history["naive"]),
        "",
        "Tally (waits and service times in simulated minutes):",
    ]
    for code, line in summary["tally"].items():
        lines.append(
            f"  {code:<12} issued {line['issued']:>4} served {line['served']:>4} "
            f"no-show {line['no_show']:>3} transferred {line['transferred']:>3} "
            f"cancelled {line['cancelled']:>3} avg wait {_min(line['avg_wait_min'])} "
            f"avg service {_min(line['avg_service_min'])}"
        )
    for key in ("refused_issues", "errors"):
        if run[key]:
            lines.append(f"{key.replace('_', ' ').capitalize()}: {run[key]}")
    if run["foreign_tickets"]:
        lines.append(f"Tickets called that this run did not issue: {run['foreign_tickets']}")
    lines.append("")
    if summary["reports_equal_tally"]:
        lines.append("Reports equal the tally: yes")
    else:
        lines.append("Reports DIFFER from the tally:")
        lines += [
            f"  {d.get('service', d['service_id'])} {d['figure']}: report {d['report']}, "
            f"simulation {d['simulation']}"
            for d in summary["differences"]
        ]
    lines.append("Verdict: " + ("OK" if summary["ok"] else "FAILED"))
    return "\n".join(lines)


def _fault_lines(faults: dict[str, Any]) -> list[str]:
    """Per fault what happened, then what the day still got right."""
    lines = ["Faults:"]
    for record in faults["schedule"]:
        facts = ", ".join(
            f"{k.replace('_', ' ')} {v}"
            for k, v in record.items()
            if k not in ("at", "kind", "ok", "note") and v is not None
        )
        verdict = "ok" if record.get("ok") else "FAILED"
        lines.append(
            f"  {record['at']} {record['kind']:<14} {verdict}: {record.get('note', '')}"
            + (f" ({facts})" if facts else "")
        )
    if faults["retries"]:
        lines.append(f"  requests retried while the server was away: {faults['retries']}")
    tickets = faults["tickets"]
    lines.append(
        f"  confirmed tickets {tickets['confirmed']}: {tickets['by_final_state']}, "
        f"{tickets['transferred_then_served']} transferred then served; "
        f"unknown to the server {len(tickets['unknown_to_server'])}, "
        f"not finished {len(tickets['not_finished'])}, given twice {tickets['given_twice']}"
    )
    boards, phones = faults["boards_checked"], faults["phones_checked"]
    boards_right = boards - len(faults["boards_not_as_snapshot"])
    phones_right = phones - len(faults["phones_not_as_ticket"])
    lines.append(
        f"  boards showing a fresh snapshot's state: {boards_right} of {boards}; "
        f"phones showing their ticket as the server does: {phones_right} of {phones}"
    )
    for name, wrong in {
        **faults["boards_not_as_snapshot"],
        **faults["phones_not_as_ticket"],
    }.items():
        lines.append(f"    {name} differs: {wrong}")
    return lines


def _min(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _server_lines(server: dict[str, Any]) -> list[str]:
    if server.get("pid") is None:
        return [f"Server: {server.get('note')}"]
    cpu = server["cpu_share_of_one_core"]
    rss = server["rss_mb"]
    hours = ", ".join(f"{h} {v:.0%}" for h, v in cpu["by_hour"].items() if v is not None)
    whole = cpu["whole_run"]
    return [
        f"Server pid {server['pid']}: CPU {'-' if whole is None else f'{whole:.0%}'} of one core"
        + (f" (by hour: {hours})" if hours else ""),
        "  resident memory MB: "
        + ", ".join(f"{k} {'-' if v is None else v}" for k, v in rss.items())
        + (
            ""
            if server["growth_after_warm_up"] is None
            else f"; growth after warm-up {server['growth_after_warm_up']:.1%}"
            + (" (within 10 %)" if server["memory_within_limit"] else " (OVER the 10 % limit)")
        ),
    ]
