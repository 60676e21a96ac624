import { DataSource } from "typeorm";
import { EntityManager } from "@mikro-orm/postgresql";
import { Company, Person } from "./typeorm_jobs";

export async function go(ds: DataSource, em: EntityManager, id: string) {
  await ds.createQueryBuilder().insert().into(Company).values({ id }).execute();
  await ds.createQueryBuilder().update(Company).set({ id }).where("id = :id", { id }).execute();
  await ds.createQueryBuilder().delete().from(Company).where("id = :id", { id }).execute();
  await ds.createQueryBuilder().insert().into(Person).values({ id }).execute(); // own table
  await ds.getRepository(Company).createQueryBuilder("c").update().set({ id }).execute();
  await ds.createQueryBuilder().select("c").from(Company, "c").getMany(); // a read
  em.persist(new Company());
  await em.persistAndFlush(em.create(Company, { id }));
  const c = await em.findOneOrFail(Company, id);
  em.remove(c);
  await em.flush();
  await ds.manager.save(Company, { id });
  await ds.manager.save(new Person()); // own table
}
