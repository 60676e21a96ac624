import { Entity, PrimaryColumn, DataSource } from "typeorm";

@Entity({ name: "company_identity", schema: "cl" })
export class Company {
  @PrimaryColumn() id!: string;
}

@Entity({ name: "people", schema: "outreach" })
export class Person {
  @PrimaryColumn() id!: string;
}

export async function go(ds: DataSource, id: string) {
  await ds.getRepository(Company).update({ id }, { id });
  const repo = ds.getRepository(Person);
  await repo.save({ id });                                               // own table
  await ds.manager.insert(Company, { id });
  await ds.getRepository(Company).find();                                // a read
}
