"""Python entry points of the trueup dbt project: sample data, builds, summaries, benchmark."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
