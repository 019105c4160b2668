mysqldump -h db0 -u backup -pfKumSf^J519Oq2 app > /backup/app.sql
mysqldump -h db1 -u backup -pnAibGC_20oWcFB app > /backup/app.sql
mysqldump -h db2 -u backup -pkIU4Kl!6NIRLgJ app > /backup/app.sql
mysqldump -h db3 -u backup -pWY8c6j*kMrBm9t app > /backup/app.sql
mysqldump -h db4 -u backup -pB8Y9nB*4w6z8xA app > /backup/app.sql
mysqldump -h db5 -u backup -prdtd1t-HBu3at2 app > /backup/app.sql
