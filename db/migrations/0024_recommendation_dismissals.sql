CREATE TABLE "recommendation_dismissals" (
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"dismissed_by" uuid,
	"dismissed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recommendation_dismissals_org_id_kind_subject_pk" PRIMARY KEY("org_id","kind","subject"),
	CONSTRAINT "recommendation_dismissals_kind_length" CHECK (char_length("recommendation_dismissals"."kind") <= 64),
	CONSTRAINT "recommendation_dismissals_subject_length" CHECK (char_length("recommendation_dismissals"."subject") <= 200)
);
--> statement-breakpoint
ALTER TABLE "recommendation_dismissals" ADD CONSTRAINT "recommendation_dismissals_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_dismissals" ADD CONSTRAINT "recommendation_dismissals_dismissed_by_users_id_fk" FOREIGN KEY ("dismissed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;