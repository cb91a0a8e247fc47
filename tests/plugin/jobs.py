RUNS: list[str] = []


def umbrellas_count() -> None:
    RUNS.append("counted")
