# One .deb per SLURM release: job_submit_budget.so loads only into the exact
# SLURM version (major.minor.micro) whose headers it was built with, so the
# package carries that version in its own and depends on a slurmctld of it
# (any Debian revision of that upstream release).
find_path(ASBB_SLURM_VERSION_DIR slurm/slurm_version.h)
if(NOT ASBB_SLURM_VERSION_DIR)
  return()
endif()
file(STRINGS ${ASBB_SLURM_VERSION_DIR}/slurm/slurm_version.h ASBB_SLURM_VERSION_LINE
     REGEX "^#define SLURM_VERSION_NUMBER 0x[0-9a-fA-F]+")
string(REGEX MATCH "0x([0-9a-fA-F][0-9a-fA-F])([0-9a-fA-F][0-9a-fA-F])([0-9a-fA-F][0-9a-fA-F])"
       ASBB_SLURM_HEX "${ASBB_SLURM_VERSION_LINE}")
if(NOT ASBB_SLURM_HEX)
  message(WARNING "cannot read SLURM_VERSION_NUMBER from slurm_version.h: no package")
  return()
endif()
math(EXPR ASBB_SLURM_MAJOR "0x${CMAKE_MATCH_1}")
math(EXPR ASBB_SLURM_MINOR "0x${CMAKE_MATCH_2}")
math(EXPR ASBB_SLURM_MICRO "0x${CMAKE_MATCH_3}")
math(EXPR ASBB_SLURM_NEXT_MICRO "${ASBB_SLURM_MICRO} + 1")
# SLURM writes the minor with two digits: 24.05.8, 26.05.5
if(ASBB_SLURM_MINOR LESS 10)
  set(ASBB_SLURM_MINOR "0${ASBB_SLURM_MINOR}")
endif()
set(ASBB_SLURM_VERSION "${ASBB_SLURM_MAJOR}.${ASBB_SLURM_MINOR}.${ASBB_SLURM_MICRO}")
set(ASBB_SLURM_NEXT "${ASBB_SLURM_MAJOR}.${ASBB_SLURM_MINOR}.${ASBB_SLURM_NEXT_MICRO}")
message(STATUS "package: asbb ${PROJECT_VERSION} for SLURM ${ASBB_SLURM_VERSION}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME asbb)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "asbb maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "AWS SLURM Bursting Budget: money budgets enforced at sbatch (job_submit/budget)")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "job_submit/budget places a budget hold for every job sent to a budgeted partition,\n"
    "asbb-poller charges finished jobs, asbb is the admins' and finance office's CLI.\n"
    "Built for SLURM ${ASBB_SLURM_VERSION} exactly: rebuild for any other SLURM release.")
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}+slurm${ASBB_SLURM_VERSION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The plugin's SLURM symbols come from slurmctld itself (not a library that
# dpkg-shlibdeps can see), hence the explicit, exact dependency.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "slurmctld (>= ${ASBB_SLURM_VERSION}), slurmctld (<< ${ASBB_SLURM_NEXT}), munge")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
include(CPack)
