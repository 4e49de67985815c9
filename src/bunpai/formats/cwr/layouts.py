"""Fixed-width record layouts of CWR 2.1 / 2.2 and 3.0 / 3.1 (CWR 作品届の固定長レコード定義).

Each layout is a tuple of ``(field name, 1-based start, length)``, as the CISAC specifications give
them (CWR 2.1 Rev 8, CWR 2.2 Rev 2, CWR 3.0 / 3.1). Every detail record begins with the record prefix:
record type (1/3), transaction sequence number (4/8) and record sequence number (12/8).

Only positions live here; what a field means and how it is checked is in ``reader`` and ``validate``.
"""

from __future__ import annotations

Layout = tuple[tuple[str, int, int], ...]

PREFIX: Layout = (("record_type", 1, 3), ("transaction_sequence", 4, 8), ("record_sequence", 12, 8))

# ---------------------------------------------------------------- control records (all versions)
HDR_2: Layout = (
    ("sender_type", 4, 2),
    ("sender_id", 6, 9),
    ("sender_name", 15, 45),
    ("edi_version", 60, 5),
    ("creation_date", 65, 8),
    ("creation_time", 73, 6),
    ("transmission_date", 79, 8),
    ("character_set", 87, 15),
    ("cwr_version", 102, 3),
    ("cwr_revision", 105, 3),
    ("software_package", 108, 30),
    ("software_version", 138, 30),
)
# CWR 3.x: the version ("3.0", "3.1" + revision) follows the character set; dates sit 6 places later.
HDR_3: Layout = (
    ("sender_type", 4, 2),
    ("sender_id", 6, 9),
    ("sender_name", 15, 45),
    ("creation_date", 66, 8),
    ("creation_time", 74, 6),
    ("transmission_date", 80, 8),
    ("character_set", 88, 15),
    ("cwr_version", 103, 3),
    ("cwr_revision", 106, 3),
    ("software_package", 109, 30),
    ("software_version", 139, 30),
    ("file_name", 169, 27),
)
GRH: Layout = (
    ("transaction_type", 4, 3),
    ("group_id", 7, 5),
    ("version", 12, 5),
    ("batch_request", 17, 10),
    ("submission_type", 27, 2),
)
GRT: Layout = (
    ("group_id", 4, 5),
    ("transaction_count", 9, 8),
    ("record_count", 17, 8),
    ("currency", 25, 3),
    ("monetary_value", 28, 10),
)
TRL: Layout = (("group_count", 4, 5), ("transaction_count", 9, 8), ("record_count", 17, 8))

# ---------------------------------------------------------------- CWR 2.1 / 2.2 transaction records
WORK_2: Layout = (  # NWR, REV, ISW, EXC
    ("title", 20, 60),
    ("language", 80, 2),
    ("submitter_work_number", 82, 14),
    ("iswc", 96, 11),
    ("copyright_date", 107, 8),
    ("copyright_number", 115, 12),
    ("distribution_category", 127, 3),
    ("duration", 130, 6),
    ("recorded", 136, 1),
    ("text_music_relationship", 137, 3),
    ("composite_type", 140, 3),
    ("version_type", 143, 3),
    ("excerpt_type", 146, 3),
    ("music_arrangement", 149, 3),
    ("lyric_adaptation", 152, 3),
    ("contact_name", 155, 30),
    ("contact_id", 185, 10),
    ("work_type", 195, 2),
    ("grand_rights", 197, 1),
    ("composite_count", 198, 3),
    ("printed_edition_date", 201, 8),
    ("exceptional_clause", 209, 1),
    ("opus_number", 210, 25),
    ("catalogue_number", 235, 25),
    ("priority", 260, 1),
)
ACK: Layout = (
    ("creation_date", 20, 8),
    ("creation_time", 28, 6),
    ("original_group_id", 34, 5),
    ("original_transaction_sequence", 39, 8),
    ("original_transaction_type", 47, 3),
    ("title", 50, 60),
    ("submitter_work_number", 110, 20),
    ("society_work_number", 130, 20),
    ("processing_date", 150, 8),
    ("status", 158, 2),
)
MSG: Layout = (
    ("message_type", 20, 1),
    ("original_record_sequence", 21, 8),
    ("original_record_type", 29, 3),
    ("message_level", 32, 1),
    ("validation_number", 33, 3),
    ("text", 36, 150),
)
AGR: Layout = (
    ("submitter_agreement_number", 20, 14),
    ("isac", 34, 14),
    ("agreement_type", 48, 2),
    ("start_date", 50, 8),
    ("end_date", 58, 8),
    ("retention_end_date", 66, 8),
    ("prior_royalty_status", 74, 1),
    ("prior_royalty_start_date", 75, 8),
    ("post_term_collection_status", 83, 1),
    ("post_term_collection_end_date", 84, 8),
    ("signature_date", 92, 8),
    ("number_of_works", 100, 5),
    ("sales_manufacture_clause", 105, 1),
    ("shares_change", 106, 1),
    ("advance_given", 107, 1),
    ("society_agreement_number", 108, 14),
)
TER: Layout = (("inclusion", 20, 1), ("tis", 21, 4))
IPA: Layout = (
    ("agreement_role", 20, 2),
    ("ipi_name", 22, 11),
    ("ipi_base", 33, 13),
    ("ip_number", 46, 9),
    ("last_name", 55, 45),
    ("first_name", 100, 30),
    ("pr_society", 130, 3),
    ("pr_share", 133, 5),
    ("mr_society", 138, 3),
    ("mr_share", 141, 5),
    ("sr_society", 146, 3),
    ("sr_share", 149, 5),
)
PUBLISHER_2: Layout = (  # SPU, OPU
    ("publisher_sequence", 20, 2),
    ("ip_number", 22, 9),
    ("name", 31, 45),
    ("unknown", 76, 1),
    ("publisher_type", 77, 2),
    ("tax_id", 79, 9),
    ("ipi_name", 88, 11),
    ("submitter_agreement_number", 99, 14),
    ("pr_society", 113, 3),
    ("pr_share", 116, 5),
    ("mr_society", 121, 3),
    ("mr_share", 124, 5),
    ("sr_society", 129, 3),
    ("sr_share", 132, 5),
    ("special_agreements", 137, 1),
    ("first_recording_refusal", 138, 1),
    ("ipi_base", 140, 13),
    ("isac", 153, 14),
    ("society_agreement_number", 167, 14),
    ("agreement_type", 181, 2),
    ("usa_license", 183, 1),
)
PUBLISHER_TERRITORY_2: Layout = (  # SPT, OPT
    ("ip_number", 20, 9),
    ("pr_share", 35, 5),
    ("mr_share", 40, 5),
    ("sr_share", 45, 5),
    ("inclusion", 50, 1),
    ("tis", 51, 4),
    ("shares_change", 55, 1),
    ("sequence", 56, 3),
)
WRITER_2: Layout = (  # SWR, OWR
    ("ip_number", 20, 9),
    ("last_name", 29, 45),
    ("first_name", 74, 30),
    ("unknown", 104, 1),
    ("designation", 105, 2),
    ("tax_id", 107, 9),
    ("ipi_name", 116, 11),
    ("pr_society", 127, 3),
    ("pr_share", 130, 5),
    ("mr_society", 135, 3),
    ("mr_share", 138, 5),
    ("sr_society", 143, 3),
    ("sr_share", 146, 5),
    ("reversionary", 151, 1),
    ("first_recording_refusal", 152, 1),
    ("work_for_hire", 153, 1),
    ("ipi_base", 155, 13),
    ("personal_number", 168, 12),
    ("usa_license", 180, 1),
)
WRITER_TERRITORY_2: Layout = (  # SWT, OWT
    ("ip_number", 20, 9),
    ("pr_share", 29, 5),
    ("mr_share", 34, 5),
    ("sr_share", 39, 5),
    ("inclusion", 44, 1),
    ("tis", 45, 4),
    ("shares_change", 49, 1),
    ("sequence", 50, 3),
)
PWR_2: Layout = (
    ("publisher_ip_number", 20, 9),
    ("publisher_name", 29, 45),
    ("submitter_agreement_number", 74, 14),
    ("society_agreement_number", 88, 14),
    ("writer_ip_number", 102, 9),
    ("publisher_sequence", 111, 2),
)
ALT: Layout = (("title", 20, 60), ("title_type", 80, 2), ("language", 82, 2))
# NAT: a title in a non-Roman alphabet (e.g. the Japanese title beside the romanised one of NWR/ALT);
# positions are characters of the decoded line (the HDR character set says how the file is encoded).
NAT: Layout = (("title", 20, 640), ("title_type", 660, 2), ("language", 662, 2))
ORIGINAL_WORK_2: Layout = (  # VER, EWT
    ("title", 20, 60),
    ("iswc", 80, 11),
    ("language", 91, 2),
    ("writer1_last_name", 93, 45),
    ("writer1_first_name", 138, 30),
    ("source", 168, 60),
    ("writer1_ipi_name", 228, 11),
    ("writer1_ipi_base", 239, 13),
    ("writer2_last_name", 252, 45),
    ("writer2_first_name", 297, 30),
    ("writer2_ipi_name", 327, 11),
    ("writer2_ipi_base", 338, 13),
    ("submitter_work_number", 351, 14),
)
PER_2: Layout = (("last_name", 20, 45), ("first_name", 65, 30), ("ipi_name", 95, 11), ("ipi_base", 106, 13))
REC_2: Layout = (
    ("release_date", 20, 8),
    ("release_duration", 88, 6),
    ("album_title", 99, 60),
    ("album_label", 159, 60),
    ("catalog_number", 219, 18),
    ("ean", 237, 13),
    ("isrc", 250, 12),
    ("recording_format", 262, 1),
    ("recording_technique", 263, 1),
    ("media_type", 264, 3),
    ("recording_title", 267, 60),
    ("version_title", 327, 60),
    ("display_artist", 387, 60),
    ("record_label", 447, 60),
    ("isrc_validity", 507, 20),
    ("submitter_recording_id", 527, 14),
)
ORN_2: Layout = (
    ("intended_purpose", 20, 3),
    ("production_title", 23, 60),
    ("cd_identifier", 83, 15),
    ("cut_number", 98, 4),
    ("library", 102, 60),
    ("bltvr", 162, 1),
    ("visan", 163, 25),
    ("production_number", 188, 12),
    ("episode_title", 200, 60),
    ("episode_number", 260, 20),
    ("production_year", 280, 4),
    ("avi_society", 284, 3),
    ("avi_number", 287, 15),
)
XRF: Layout = (
    ("organisation", 20, 3),
    ("identifier", 23, 14),
    ("identifier_type", 37, 1),
    ("validity", 38, 1),
)
COM: Layout = (
    ("title", 20, 60),
    ("iswc", 80, 11),
    ("submitter_work_number", 91, 14),
    ("duration", 105, 6),
    ("writer1_last_name", 111, 45),
    ("writer1_first_name", 156, 30),
    ("writer1_ipi_name", 186, 11),
)

# ---------------------------------------------------------------- CWR 3.0 / 3.1 transaction records
WORK_3: Layout = (  # WRK
    ("title", 20, 60),
    ("language", 80, 2),
    ("submitter_work_number", 82, 14),
    ("iswc", 96, 11),
    ("copyright_date", 107, 8),
    ("copyright_number", 115, 12),
    ("distribution_category", 127, 3),
    ("duration", 130, 6),
    ("recorded", 136, 1),
    ("text_music_relationship", 137, 3),
    ("composite_type", 140, 3),
    ("version_type", 143, 3),
)
ISR: Layout = (
    ("title", 20, 60),
    ("language", 80, 2),
    ("submitter_work_number", 82, 14),
    ("iswc", 96, 11),
    ("request_indicator", 107, 1),
)
PUBLISHER_3: Layout = (  # SPU, OPU
    ("publisher_sequence", 20, 2),
    ("ip_number", 22, 9),
    ("name", 31, 45),
    ("unknown", 76, 1),
    ("publisher_type", 77, 2),
    ("tax_id", 79, 9),
    ("ipi_name", 88, 11),
    ("ipi_base", 99, 13),
)
PUBLISHER_TERRITORY_3: Layout = (  # SPT, OPT
    ("hierarchy", 20, 3),
    ("ip_number", 23, 9),
    ("pr_share", 32, 5),
    ("mr_share", 37, 5),
    ("sr_share", 42, 5),
    ("inclusion", 47, 1),
    ("tis", 48, 4),
    ("pr_society", 52, 4),
    ("mr_society", 56, 4),
    ("sr_society", 60, 4),
)
WRITER_3: Layout = (  # SWR, OWR
    ("ip_number", 20, 9),
    ("last_name", 29, 45),
    ("first_name", 74, 30),
    ("unknown", 104, 1),
    ("designation", 105, 2),
    ("ipi_name", 107, 11),
    ("ipi_base", 118, 13),
)
WRITER_TERRITORY_3: Layout = (  # SWT, OWT
    ("hierarchy", 20, 3),
    ("ip_number", 23, 9),
    ("pr_share", 32, 5),
    ("mr_share", 37, 5),
    ("sr_share", 42, 5),
    ("inclusion", 47, 1),
    ("tis", 48, 4),
    ("pr_society", 52, 4),
    ("mr_society", 56, 4),
    ("sr_society", 60, 4),
)
PWR_3: Layout = (
    ("publisher_sequence", 20, 2),
    ("publisher_ip_number", 22, 9),
    ("writer_ip_number", 31, 9),
)
WRI: Layout = (
    ("ip_number", 20, 9),
    ("ipi_name", 29, 11),
    ("last_name", 40, 45),
    ("first_name", 85, 30),
    ("designation", 115, 2),
)
OWK: Layout = (("title", 20, 60), ("iswc", 80, 11), ("submitter_work_number", 91, 14))
PER_3: Layout = (("last_name", 20, 45), ("first_name", 65, 30), ("ipi_name", 95, 11), ("isni", 106, 16))
REC_3: Layout = (
    ("release_date", 20, 8),
    ("release_duration", 28, 6),
    ("isrc", 34, 12),
    ("recording_title", 46, 60),
    ("version_title", 106, 60),
    ("display_artist", 166, 60),
    ("record_label", 253, 60),
    ("isrc_validity", 313, 20),
    ("submitter_recording_id", 333, 14),
)
ORN_3: Layout = (
    ("intended_purpose", 20, 3),
    ("cd_identifier", 23, 15),
    ("cut_number", 38, 4),
    ("library", 42, 60),
    ("production_title", 102, 60),
)
XRF_3: Layout = XRF

# Record types each transaction may contain (CWR 2.x). Records listed but not laid out above
# (INS, IND, ARI, the non-Roman-alphabet N.. records) are accepted and kept as raw text.
DETAIL_2 = {
    "SPU",
    "SPT",
    "OPU",
    "OPT",
    "SWR",
    "SWT",
    "OWR",
    "OWT",
    "PWR",
    "ALT",
    "NAT",
    "EWT",
    "VER",
    "PER",
    "NPR",
    "REC",
    "ORN",
    "INS",
    "IND",
    "COM",
    "ARI",
    "XRF",
    "NPN",
    "NWN",
    "NOW",
    "NET",
    "NCT",
    "NVT",
    "MSG",
}
DETAIL_3 = {
    "SPU",
    "SPT",
    "OPU",
    "OPT",
    "SWR",
    "SWT",
    "OWR",
    "OWT",
    "PWR",
    "ALT",
    "OWK",
    "PER",
    "REC",
    "ORN",
    "INS",
    "IND",
    "COM",
    "XRF",
    "WRI",
    "MSG",
    "NAT",
    "NPN",
    "NWN",
    "NOW",
    "NPR",
    "EWT",
    "VER",
}
AGREEMENT_DETAIL = {"TER", "IPA", "NPA"}
WORK_TRANSACTIONS_2 = {"NWR", "REV", "ISW", "EXC"}
WORK_TRANSACTIONS_3 = {"WRK", "ISR", "ISA", "EXC"}
TRANSACTIONS = WORK_TRANSACTIONS_2 | WORK_TRANSACTIONS_3 | {"AGR", "ACK"}


def layout_for(record_type: str, major: int) -> Layout | None:
    """The layout of a transaction or detail record in a file of major version 2 or 3."""
    if major >= 3:
        return _LAYOUTS_3.get(record_type)
    return _LAYOUTS_2.get(record_type)


_LAYOUTS_2: dict[str, Layout] = {
    "NWR": WORK_2,
    "REV": WORK_2,
    "ISW": WORK_2,
    "EXC": WORK_2,
    "ACK": ACK,
    "MSG": MSG,
    "AGR": AGR,
    "TER": TER,
    "IPA": IPA,
    "SPU": PUBLISHER_2,
    "OPU": PUBLISHER_2,
    "SPT": PUBLISHER_TERRITORY_2,
    "OPT": PUBLISHER_TERRITORY_2,
    "SWR": WRITER_2,
    "OWR": WRITER_2,
    "SWT": WRITER_TERRITORY_2,
    "OWT": WRITER_TERRITORY_2,
    "PWR": PWR_2,
    "ALT": ALT,
    "NAT": NAT,
    "VER": ORIGINAL_WORK_2,
    "EWT": ORIGINAL_WORK_2,
    "PER": PER_2,
    "REC": REC_2,
    "ORN": ORN_2,
    "XRF": XRF,
    "COM": COM,
}
_LAYOUTS_3: dict[str, Layout] = {
    "WRK": WORK_3,
    "ISR": ISR,
    "ISA": ISR,
    "EXC": WORK_3,
    "ACK": ACK,
    "MSG": MSG,
    "SPU": PUBLISHER_3,
    "OPU": PUBLISHER_3,
    "SPT": PUBLISHER_TERRITORY_3,
    "OPT": PUBLISHER_TERRITORY_3,
    "SWR": WRITER_3,
    "OWR": WRITER_3,
    "SWT": WRITER_TERRITORY_3,
    "OWT": WRITER_TERRITORY_3,
    "PWR": PWR_3,
    "WRI": WRI,
    "ALT": ALT,
    "NAT": NAT,
    "OWK": OWK,
    "PER": PER_3,
    "REC": REC_3,
    "ORN": ORN_3,
    "XRF": XRF_3,
    "COM": COM,
    "VER": ORIGINAL_WORK_2,
    "EWT": ORIGINAL_WORK_2,
}
