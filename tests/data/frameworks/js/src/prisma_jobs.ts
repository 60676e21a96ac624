import { PrismaClient, Prisma } from "@prisma/client";

const prisma = new PrismaClient();

export async function go(id: string) {
  await prisma.company.update({ where: { id }, data: { name: "x" } });
  await prisma.person.create({ data: { id } });                        // own table
  await prisma.company.findMany();                                      // a read
  await prisma.$transaction(async (tx) => {
    await tx.company.deleteMany({ where: { id } });
  });
  await prisma.$executeRaw`UPDATE cl.lifecycle_state SET a = 1 WHERE id = ${id}`;
  await prisma.$executeRawUnsafe("DELETE FROM cl.merge_records WHERE id = $1", id);
  const q = Prisma.sql`INSERT INTO cl.company_identity (id) VALUES (${id})`;
  await prisma.$queryRaw(q);
}
