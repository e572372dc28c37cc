"""The company side: the demo receiver, the mail sink, the launchers mail and webhook setup."""
