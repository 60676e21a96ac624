import { Column, Entity, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from "typeorm";
import { Company } from "./typeorm_jobs";

@Entity({ name: "lifecycle_state", schema: "cl" })
export class Lifecycle {
  @PrimaryColumn() id!: string;
}

@Entity({ name: "company_target", schema: "outreach" })
export class Target {
  @PrimaryColumn() id!: string;

  @ManyToOne(() => Company, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "company_unique_id" })
  company!: Company; // declared, as declared

  @OneToOne(() => Lifecycle, { onDelete: "CASCADE" })
  @JoinColumn()
  lifecycle!: Lifecycle;

  @OneToOne(() => Company)
  sameCompany!: Company; // no join column: the other side owns it

  @Column() note!: string;
}

@Entity({ name: "people", schema: "outreach" })
export class Person {
  @PrimaryColumn() id!: string;

  @ManyToOne(() => Target, (t) => t.id, { onDelete: "CASCADE" })
  target!: Target; // inside the hub

  @ManyToOne("Company", { onDelete: "SET NULL", nullable: true })
  company!: Company;
}
