"""Scripts run with the cloud's venv interpreter (openstacksdk inside).

They are run as files, not imported by the launcher, so they may import
OpenStack libraries; inputs come as a JSON file named on the command line.
"""
