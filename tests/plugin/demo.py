from rathaus.accounts.demo import DemoLogin


def umbrellas_demo_load(municipality: object) -> list[DemoLogin]:
    return [DemoLogin("Schirmfundstelle", "Test", "schirm@rathaus.example", "", "")]
