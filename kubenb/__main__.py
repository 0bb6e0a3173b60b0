"""`python -m kubenb images build`: see kubenb/images_build.py."""

import sys

from kubenb.images_build import cli

sys.exit(cli())
