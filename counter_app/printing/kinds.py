"""The journal entry kinds of printing: calibration, booklets, receipts and notices (the
strings never change: they are in existing journals and in what sync uploads)."""

KIND_PRINTER_CALIBRATED = "printer.calibrated"
KIND_CERTIFICATE_PRINT_SENT = "certificate.print_sent"
KIND_CERTIFICATE_PRINT_FAILED = "certificate.print_failed"
KIND_RECEIPT_REQUESTED = "receipt.requested"
KIND_RECEIPT_PRINTED = "receipt.printed"
KIND_RECEIPT_PRINT_FAILED = "receipt.print_failed"
KIND_NOTICE_PRINTED = "notice.printed"  # 不予受理告知书, 撤回确认单, 视为撤回告知书
