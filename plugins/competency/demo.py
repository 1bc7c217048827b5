"""The competency plugin's demo data: the framework, position profiles, a question bank and
exam, and a history of evidence for the demo officers."""

from __future__ import annotations


def load(seed: int) -> str:
    from plugins.competency import demo_evidence, demo_framework, demo_questions

    parts = [demo_framework.load(), demo_questions.load(), demo_evidence.load(seed)]
    return "; ".join(p for p in parts if p)
