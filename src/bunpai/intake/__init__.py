"""Usage reports in (利用曲目報告, the J-BASS role): files as received, their lines, problems,
identification results and the manual queue with its remembered decisions."""
