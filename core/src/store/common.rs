//! The part of the `Store` implementation that is the same for both backends, written once.
//!
//! sqlx's query API is generic over the database, but spelling out those bounds for every
//! type would bury the queries; so this macro expands the same method bodies for each pool
//! type and the compiler checks each expansion against its own driver. What differs
//! (connection options, migrations, `MAX` vs `GREATEST`) is an inherent method of each
//! backend type: `connect`, `run_migrations`, `raise_counter`.

macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> $crate::store::Backend {
                $backend
            }

            async fn migrate(&self) -> Result<(), $crate::store::StoreError> {
                <$db as $crate::store::Dialect>::migrate(&self.pool).await
            }

            async fn ping(&self) -> Result<(), $crate::store::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn load_regions(
                &self,
                regions: &[$crate::store::RegionSeed],
            ) -> Result<u64, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let mut written = 0;
                for seed in regions {
                    let r = &seed.region;
                    written += sqlx::query($crate::store::sql::UPSERT_REGION)
                        .bind(&r.code)
                        .bind(&r.parent_code)
                        .bind(r.level as i32)
                        .bind(&r.name)
                        .bind(seed.lon)
                        .bind(seed.lat)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn load_categories(
                &self,
                categories: &[hotline_domain::Category],
            ) -> Result<u64, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let mut written = 0;
                for c in categories {
                    written += sqlx::query($crate::store::sql::UPSERT_CATEGORY)
                        .bind(&c.code)
                        .bind(&c.parent_code)
                        .bind(c.level as i32)
                        .bind(&c.name_zh)
                        .bind(&c.name_en)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                tx.commit().await?;
                Ok(written)
            }

            async fn districts(
                &self,
            ) -> Result<Vec<hotline_domain::Region>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::rows::RegionRow> =
                    sqlx::query_as($crate::store::sql::DISTRICTS)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn region(
                &self,
                code: &str,
            ) -> Result<Option<hotline_domain::Region>, $crate::store::StoreError> {
                let row: Option<$crate::store::rows::RegionRow> =
                    sqlx::query_as($crate::store::sql::REGION)
                        .bind(code)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(Into::into))
            }

            async fn categories(
                &self,
            ) -> Result<Vec<hotline_domain::Category>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::rows::CategoryRow> =
                    sqlx::query_as($crate::store::sql::CATEGORIES)
                        .bind(true)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn category(
                &self,
                code: &str,
            ) -> Result<Option<hotline_domain::Category>, $crate::store::StoreError> {
                let row: Option<$crate::store::rows::CategoryRow> =
                    sqlx::query_as($crate::store::sql::CATEGORY)
                        .bind(code)
                        .bind(true)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(Into::into))
            }

            async fn insert_request(
                &self,
                request: &hotline_domain::NewRequest,
                channel: hotline_domain::Channel,
                local_date: chrono::NaiveDate,
                at: chrono::DateTime<chrono::Utc>,
                origin: &$crate::audit::Origin,
            ) -> Result<hotline_domain::RequestSummary, $crate::store::StoreError> {
                let status = hotline_domain::CaseStatus::Submitted;
                let mut tx = self.pool.begin().await?;
                // The counter bump is the transaction's first write, so concurrent filings
                // queue on it and never draw the same number.
                let counter = format!("tracking:{}", local_date.format("%Y%m%d"));
                let sequence: i64 = sqlx::query_scalar($crate::store::sql::NEXT_COUNTER)
                    .bind(&counter)
                    .fetch_one(&mut *tx)
                    .await?;
                // Six digits a day; a 15-digit number would not parse back as a tracking number.
                let sequence = u32::try_from(sequence)
                    .ok()
                    .filter(|s| *s <= 999_999)
                    .ok_or_else(|| {
                        $crate::store::StoreError::Corrupt(format!("counter {counter} exhausted"))
                    })?;
                let tracking = hotline_domain::TrackingNumber::new(local_date, sequence);
                let case_id: i64 = sqlx::query_scalar($crate::store::sql::INSERT_CASE)
                    .bind(tracking.as_str())
                    .bind(channel.as_code())
                    .bind(None::<String>)
                    .bind(status.as_code())
                    .bind(&request.category)
                    .bind(&request.content)
                    .bind(&request.contact_name)
                    .bind(request.phone.as_str())
                    .bind(request.anonymous)
                    .bind(&request.district)
                    .bind(&request.address)
                    .bind(None::<f64>)
                    .bind(None::<f64>)
                    .bind(at)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query($crate::store::sql::INSERT_CASE_EVENT)
                    .bind(case_id)
                    .bind(at)
                    .bind(format!("citizen:{}", channel.as_code()))
                    .bind("submitted")
                    .bind(None::<String>)
                    .bind(status.as_code())
                    .bind(None::<String>)
                    .execute(&mut *tx)
                    .await?;
                let after = serde_json::json!({
                    "tracking_number": tracking.as_str(),
                    "channel": channel.as_code(),
                    "status": status.as_code(),
                    "category": request.category,
                    "content": request.content,
                    "contact_name": request.contact_name,
                    // Masked: the case row holds the number; the log need not spread it.
                    "phone": hotline_domain::mask_phone(request.phone.as_str()),
                    "anonymous": request.anonymous,
                    "district": request.district,
                    "address": request.address,
                });
                Self::insert_audit(
                    &mut *tx,
                    &$crate::audit::NewAuditEntry {
                        at,
                        origin: origin.clone(),
                        action: "create".into(),
                        object_type: "case".into(),
                        object_id: tracking.to_string(),
                        before: None,
                        after: Some(after.to_string()),
                    },
                )
                .await?;
                let row: $crate::store::rows::SummaryRow =
                    sqlx::query_as(&$crate::store::sql::summary_by_tracking_number())
                        .bind(tracking.as_str())
                        .fetch_one(&mut *tx)
                        .await?;
                // Converted before the commit: a filing is reported stored only if it is.
                let summary = row.try_into()?;
                tx.commit().await?;
                Ok(summary)
            }

            async fn requests_by_status(
                &self,
                status: hotline_domain::CaseStatus,
                limit: u32,
            ) -> Result<Vec<hotline_domain::RequestSummary>, $crate::store::StoreError> {
                let rows: Vec<$crate::store::rows::SummaryRow> =
                    sqlx::query_as(&$crate::store::sql::summaries_by_status())
                        .bind(status.as_code())
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await?;
                $crate::store::rows::summaries(rows)
            }

            async fn request(
                &self,
                tracking_number: &hotline_domain::TrackingNumber,
            ) -> Result<Option<hotline_domain::RequestSummary>, $crate::store::StoreError> {
                let row: Option<$crate::store::rows::SummaryRow> =
                    sqlx::query_as(&$crate::store::sql::summary_by_tracking_number())
                        .bind(tracking_number.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn counts(&self) -> Result<$crate::store::Counts, $crate::store::StoreError> {
                let row: $crate::store::rows::CountsRow =
                    sqlx::query_as($crate::store::sql::COUNTS)
                        .fetch_one(&self.pool)
                        .await?;
                Ok(row.into())
            }

            async fn insert_demo(
                &self,
                demo: &$crate::seed::demo::DemoData,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::sql;
                let mut tx = self.pool.begin().await?;
                let now = demo
                    .cases
                    .iter()
                    .map(|c| c.updated_at)
                    .max()
                    .unwrap_or_else(chrono::Utc::now);
                let mut department_ids = std::collections::HashMap::new();
                for (code, name, phone, _) in $crate::seed::demo::DEPARTMENTS {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO departments (code, name, phone, active, created_at, \
                         updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                    )
                    .bind(*code)
                    .bind(*name)
                    .bind(*phone)
                    .bind(true)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    department_ids.insert(*code, id);
                }
                let mut vendor_ids = Vec::with_capacity(demo.vendors.len());
                for v in &demo.vendors {
                    let id: i64 = sqlx::query_scalar(sql::INSERT_VENDOR)
                        .bind(&v.name)
                        .bind(&v.kind)
                        .bind(&v.district_code)
                        .bind(&v.street_code)
                        .bind(&v.address)
                        .bind(&v.phone)
                        .bind(&v.contact_name)
                        .bind(&v.hotline)
                        .bind(&v.status)
                        .bind(&v.credit_grade)
                        .bind(&v.franchise_type)
                        .bind(v.staff_count)
                        .bind(v.registered_capital)
                        .bind(v.home_care)
                        .bind(v.volunteer)
                        .bind(v.lon)
                        .bind(v.lat)
                        .bind(v.created_at)
                        .fetch_one(&mut *tx)
                        .await?;
                    vendor_ids.push(id);
                    for code in &v.services {
                        sqlx::query(sql::INSERT_VENDOR_SERVICE)
                            .bind(id)
                            .bind(code)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                for p in &demo.providers {
                    sqlx::query(sql::INSERT_PROVIDER)
                        .bind(&p.name)
                        .bind(&p.kind)
                        .bind(&p.service_mode)
                        .bind(&p.support_system)
                        .bind(&p.district_code)
                        .bind(&p.phone)
                        .bind(&p.skill_code)
                        .bind(p.lon)
                        .bind(p.lat)
                        .bind(p.created_at)
                        .execute(&mut *tx)
                        .await?;
                }
                for e in &demo.elderly {
                    sqlx::query(sql::INSERT_ELDERLY)
                        .bind(&e.name)
                        .bind(&e.gender)
                        .bind(e.birth_date)
                        .bind(&e.id_number)
                        .bind(&e.identity_category)
                        .bind(&e.service_card_no)
                        .bind(&e.district_code)
                        .bind(&e.street_code)
                        .bind(&e.village_code)
                        .bind(&e.address)
                        .bind(&e.phone)
                        .bind(&e.onekey_phone)
                        .bind(&e.health_notes)
                        .bind(&e.medications)
                        .bind(&e.contact_name)
                        .bind(&e.contact_relation)
                        .bind(&e.contact_phone)
                        .bind(e.lon)
                        .bind(e.lat)
                        .bind(e.created_at)
                        .execute(&mut *tx)
                        .await?;
                }
                for c in &demo.cases {
                    let case_id: i64 = sqlx::query_scalar(sql::INSERT_CASE)
                        .bind(c.tracking_number.as_str())
                        .bind(c.channel.as_code())
                        .bind(c.flow.case_type.map(|t| t.as_code()))
                        .bind(c.flow.status.as_code())
                        .bind(&c.flow.category_code)
                        .bind(&c.content)
                        .bind(&c.contact_name)
                        .bind(&c.phone)
                        .bind(c.anonymous)
                        .bind(&c.district_code)
                        .bind(&c.address)
                        .bind(c.lon)
                        .bind(c.lat)
                        .bind(c.created_at)
                        .bind(c.updated_at)
                        .fetch_one(&mut *tx)
                        .await?;
                    for e in &c.events {
                        sqlx::query(sql::INSERT_CASE_EVENT)
                            .bind(case_id)
                            .bind(e.at)
                            .bind(&e.actor)
                            .bind(&e.kind)
                            .bind(e.from.map(|s| s.as_code()))
                            .bind(e.to.map(|s| s.as_code()))
                            .bind(&e.note)
                            .execute(&mut *tx)
                            .await?;
                    }
                    // The generator numbers departments and vendors itself; store the
                    // parts with the ids the rows were given above.
                    let mut flow = c.flow.clone();
                    for a in &mut flow.assignments {
                        a.id = None;
                        a.assignee = match a.assignee {
                            hotline_domain::Assignee::Department(n) => {
                                let code = $crate::seed::demo::demo_department(n).ok_or_else(|| {
                                    $crate::store::StoreError::Corrupt(format!("demo department {n}"))
                                })?;
                                hotline_domain::Assignee::Department(department_ids[code])
                            }
                            hotline_domain::Assignee::Vendor(n) => {
                                let id = vendor_ids.get((n - 1) as usize).copied().ok_or_else(|| {
                                    $crate::store::StoreError::Corrupt(format!("demo vendor {n}"))
                                })?;
                                hotline_domain::Assignee::Vendor(id)
                            }
                        };
                    }
                    Self::write_flow_columns(&mut *tx, case_id, &flow, c.updated_at).await?;
                    let ids = Self::write_parts(&mut *tx, case_id, &[], &flow).await?;
                    Self::insert_reminders(&mut *tx, case_id, &ids, &c.reminders, c.updated_at)
                        .await?;
                }
                for u in &demo.users {
                    sqlx::query(
                        "INSERT INTO users (username, display_name, role, department_id, \
                         vendor_id, password_hash, active, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                         ON CONFLICT (username) DO NOTHING",
                    )
                    .bind(u.username)
                    .bind(u.display_name)
                    .bind(u.role.as_code())
                    .bind(u.department_code.and_then(|c| department_ids.get(c).copied()))
                    .bind(u.vendor_index.and_then(|i| vendor_ids.get(i).copied()))
                    .bind(&u.password_hash)
                    .bind(true)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                for (name, value) in demo.counters() {
                    sqlx::query(<$db as $crate::store::Dialect>::RAISE_COUNTER).bind(&name).bind(value).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_store;
