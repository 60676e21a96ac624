"""Prisma: models of ``schema.prisma`` (``@@map``, ``@@schema``) written through the model client."""

from ownaudit.lint.frameworks.base import DELETE, INSERT, UPDATE, UPSERT, ClientModels, Framework, W

FRAMEWORK = Framework(
    "prisma",
    "js",
    ("prisma", "Prisma"),
    client_models=ClientModels(
        schema_files=("prisma/schema.prisma", "schema.prisma", "prisma/schema"),
        methods={
            "create": W("prisma create()", INSERT),
            "createMany": W("prisma createMany()", INSERT),
            "createManyAndReturn": W("prisma createManyAndReturn()", INSERT),
            "update": W("prisma update()", UPDATE),
            "updateMany": W("prisma updateMany()", UPDATE),
            "updateManyAndReturn": W("prisma updateManyAndReturn()", UPDATE),
            "upsert": W("prisma upsert()", UPSERT),
            "delete": W("prisma delete()", DELETE),
            "deleteMany": W("prisma deleteMany()", DELETE),
        },
    ),
)
