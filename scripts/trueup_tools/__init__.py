"""Python entry points of the trueup dbt project: sample data, builds, summaries, benchmark."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

PROFILES_FILE = "profiles.yml"
"""The project's dbt profiles file, at the project root (like jaffle-shop's)."""


def profiles_dir(project: Path = PROJECT_DIR) -> Path:
    """The folder that holds the profiles.yml of `project` (a copy of it, or this project): its
    root, where dbt looks first when run inside the project."""
    return project
