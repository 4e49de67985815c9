"""The web application: staff back office, member, claimant and licensee portals, and the API (ウェブ).

Views call the services (``bunpai.services``) and read result folders; they never reimplement a
distribution rule. Other apps plug in through :mod:`bunpai.web.plugins` (URL includes, navigation
entries, role permissions).
"""
