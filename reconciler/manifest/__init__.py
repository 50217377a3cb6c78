"""Manifests and the project file: YAML in, located problems or validated desired state out.

- ``load_manifests``: manifest files and directories -> ``Desired`` (every desired object,
  the secrets used, the files read, a digest), or ``ManifestError`` with every problem.
- ``load_project``: ``acr.yaml`` -> ``Project`` (manifest paths, vars, policy, targets).
- ``manifest_schema`` / ``project_schema`` / ``write_schemas``: the JSON Schemas.
"""

from reconciler.manifest.loader import Desired, load_manifests
from reconciler.manifest.project import Policy, Project, Target, load_project
from reconciler.manifest.schema import manifest_schema, project_schema, write_schemas

__all__ = [
    "Desired",
    "Policy",
    "Project",
    "Target",
    "load_manifests",
    "load_project",
    "manifest_schema",
    "project_schema",
    "write_schemas",
]
