"""The tables resolution reads from the store: what each mapping's records contribute."""

from __future__ import annotations

from pathlib import Path

from threadline.ingest.deliveries import ingest_folder
from threadline.resolve import person_table
from threadline.resolve.frames import business_frame
from threadline.store import Store


def test_person_and_business_tables(store: Store, small_scenario: Path) -> None:
    ingest_folder(store, small_scenario)
    with store.connect() as conn:
        people = {r["record_id"]: r for r in person_table(conn).to_pylist()}
        businesses = {r["record_id"]: r for r in business_frame(conn).to_pylist()}

    def rows(slot: str) -> list[dict[str, str | None]]:
        return [r for m, r in sorted(people.items()) if m.endswith(slot)]

    # A council's landlord is a person's name, resolved with the people.
    assert all(r["full_name"] for r in rows("lcc_hmo_inspections:HMO-000011:landlord"))
    assert rows(":landlord")
    # A legacy address line ends with its postcode.
    legacy = [r for r in rows(":subject") if "police_intel_legacy" in str(r["source"])]
    assert any(r["postcode"] and r["address"] for r in legacy)
    # Whoever came with a patient was met at the patient's home.
    for companion in rows(":accompanied_by")[:20]:
        patient = people[str(companion["record_id"]).replace(":accompanied_by", ":patient")]
        if patient["postcode"]:
            assert patient["postcode"] in str(companion["record_postcodes"])
        assert companion["record"] == patient["record"]
    # A log's numbers include those its narrative mentions (the line a controller uses).
    logs = [r for r in rows(":subject") if "police_intel_log" in str(r["source"])]
    assert any(r["record_phones"] and r["phone"] is None for r in logs)
    assert all(r["phone"] in str(r["record_phones"]) for r in logs if r["phone"])
    # Payroll: the account a holder holds, and the employer each row names.
    assert all(r["bank_account"] for r in rows(":account_holder"))
    assert all(r["record_organisations"] for r in rows(":employee"))
    # Adverts: the photo shows the woman; the nationality an advert claims is not hers.
    workers = rows(":worker")
    assert workers and all(r["photo"] and r["nationality"] is None for r in workers)
    # The age an advert states gives the year of birth it implies at the advert's date.
    assert all(r["born_about"] and 1940 < int(str(r["born_about"])) < 2015 for r in workers)
    assert all(r["born_about"] is None for r in rows(":patient"))

    payroll = [r for m, r in businesses.items() if m.startswith("hmrc/")]
    assert payroll and all(r["tax_number"] and r["staff"] for r in payroll)
    licensed = [r for m, r in businesses.items() if "lcc_business_licensing" in m]
    assert licensed and all(r["officers"] for r in licensed if r["name"])


def test_usable_values_come_before_unparsed_ones(store: Store, tmp_path: Path) -> None:
    """A value kept raw because it could not be read goes after the readable ones, whatever
    order the statements were written in (here an export corrected a date of birth)."""
    from threadline.ingest.batches import Agency, load_file
    from threadline.ingest.mapping import load_mapping
    from threadline.resolve.frames import _statements

    fixtures = Path(__file__).parents[1] / "ingest" / "fixtures"
    mapping = load_mapping(fixtures / "intel.yaml")
    path = tmp_path / "intel.csv"
    text = (fixtures / "intel.csv").read_text()
    path.write_text(text.replace("03/04/1998", "early nineties"))
    assert load_file(store, path, mapping, Agency("testforce")).status == "loaded"
    path.write_text(text)
    assert load_file(store, path, mapping, Agency("testforce")).records_altered == 1
    subject = "testforce/test_intel:IR0001:subject"
    with store.connect() as conn:
        values = _statements(conn, ["Person"], ["birthDate"], {subject})
    assert values[subject]["birthDate"] == ["1998-04-03", "early nineties"]
