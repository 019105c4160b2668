curl -u deploy0:ud3AsJ-kbuJqmA https://artifacts.internal/repo.tar.gz
curl -u deploy1:LRJd5Y^ud5wI4k https://artifacts.internal/repo.tar.gz
curl -u deploy2:ZODqrI%aHXMIGd https://artifacts.internal/repo.tar.gz
curl -u deploy3:Y4pG2V#HbGfaVq https://artifacts.internal/repo.tar.gz
curl -u deploy4:zqaJGk_cuQ3W8P https://artifacts.internal/repo.tar.gz
curl -u deploy5:6aKMge*ANcbl0p https://artifacts.internal/repo.tar.gz
